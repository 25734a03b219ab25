package io.labflow.worker.cli;

import io.labflow.workflows.interpreter.RejectionFailureConverter;
import io.labflow.worker.client.TemporalConnection;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import picocli.CommandLine;

/**
 * Temporal's time-skipping test server with a worker running {@link LearnerLabDouble}, and the
 * {@code labflow} command line pointed at it. That server cannot say whether a worker polls, so
 * the command line is told ({@link #polled}).
 */
final class DoubleLabServer implements AutoCloseable {

  static final String QUEUE = "labflow";

  /** What one command line did. */
  record Result(int code, String out, String err) {
    String all() {
      return "exit " + code + "\n" + out + err;
    }
  }

  // The worker's data converter, so that a validator's refusal arrives as itself.
  final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
      TestEnvironmentOptions.newBuilder()
          .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
              .setDataConverter(RejectionFailureConverter.dataConverter()).build())
          .build());
  final WorkflowClient client;
  /** The client the command lines use: {@link #client}, or one a test makes fail. */
  WorkflowClient commandClient;
  /** Whether a worker polls, each time the command line asks. */
  BooleanSupplier polled = () -> true;
  /** What is left of a lab; null: the command's own count, through AWS. */
  Function<String, List<String>> leftovers = labId -> List.of();
  /** How the command lines add and remove their shutdown hooks; null: the JVM's way. */
  Consumer<Thread> hook;
  Consumer<Thread> unhook;
  /** The output and errors of the command line running or last run, as far as it has written. */
  volatile StringWriter out;
  volatile StringWriter err;

  DoubleLabServer() {
    for (var key : LabSearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(LearnerLabDouble.class);
    worker.registerActivitiesImplementations(new LearnerLabDouble.ProbeImpl());
    env.start();
    client = env.getWorkflowClient();
    commandClient = client;
  }

  /** Makes the command lines' client call the server through {@code calls} (one that fails). */
  void interceptCommands(UnaryOperator<WorkflowClientCallsInterceptor> calls) {
    commandClient = WorkflowClient.newInstance(env.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder(client.getOptions())
            .setInterceptors(new WorkflowClientInterceptorBase() {
              @Override
              public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
                  WorkflowClientCallsInterceptor next) {
                return calls.apply(next);
              }
            }).build());
  }

  /** A command a stop met as it sent its start: its result, its hooks, all it wrote by then. */
  record Stopped(Result result, int hooks, String out) {}

  /**
   * Runs {@code command} with {@link #stopAtStart}, waits for the hooks to end, as the JVM does,
   * so that {@code out} holds the hooks' sentences too, and {@link #reset}s.
   */
  Stopped stoppedAtStart(Runnable meanwhile, Supplier<Result> command)
      throws InterruptedException {
    List<Thread> atStart = stopAtStart(meanwhile);
    try {
      Result r = command.get();
      for (Thread hook : atStart) {
        hook.join();
      }
      return new Stopped(r, atStart.size(), out.toString());
    } finally {
      reset();
    }
  }

  /**
   * Makes the command lines' lab start meet a stop, as a SIGTERM when it is sent: the hooks in
   * place then are started on their own threads, as the JVM runs them while the command's thread
   * goes on, and are returned; then {@code meanwhile} runs, then the start. {@link #reset} ends it.
   */
  List<Thread> stopAtStart(Runnable meanwhile) {
    List<Thread> hooks = new CopyOnWriteArrayList<>();
    List<Thread> atStart = new CopyOnWriteArrayList<>();
    hook = hooks::add;
    unhook = hooks::remove;
    interceptCommands(next -> new WorkflowClientCallsInterceptorBase(next) {
      @Override
      public WorkflowStartOutput start(WorkflowStartInput input) {
        for (Thread h : hooks) {
          h.start();
          atStart.add(h);
        }
        meanwhile.run();
        return super.start(input);
      }
    });
    return atStart;
  }

  /** The command lines call the server directly again, with the JVM's shutdown hooks. */
  void reset() {
    commandClient = client;
    hook = null;
    unhook = null;
  }

  /** Starts a live double lab. */
  void startLab(String labId) {
    startLab(labId, QUEUE);
  }

  /** Starts a double lab on {@code queue} (one no worker polls: a lab no worker runs). */
  void startLab(String labId, String queue) {
    LabWorkflow lab = client.newWorkflowStub(LabWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(labId).setTaskQueue(queue).build());
    WorkflowClient.start(lab::run, null);
  }

  /** Runs {@code labflow ARGS} against this server. */
  Result labflow(String... args) {
    LabflowCommand root = new LabflowCommand();
    // Not owned: the server's client stays open for the next command line.
    root.connector = () ->
        new TemporalConnection(ClientConfigProfile.getDefaultInstance(), commandClient, false);
    root.polled = (conn, queue) -> polled.getAsBoolean();
    root.hook = hook != null ? hook : root.hook;
    root.unhook = unhook != null ? unhook : root.unhook;
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        K made = CommandLine.defaultFactory().create(cls);
        if (made instanceof TestCommand test) {
          test.leftovers = leftovers != null ? leftovers : test.leftovers;
          test.poll = Duration.ofMillis(50);
        }
        return made;
      }
    };
    CommandLine cli = Main.newCommandLine(root, factory);
    out = new StringWriter();
    err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    return new Result(code, out.toString(), err.toString());
  }

  @Override
  public void close() {
    env.close();
  }
}
