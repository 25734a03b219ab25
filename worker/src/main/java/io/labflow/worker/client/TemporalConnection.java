package io.labflow.worker.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.labflow.workflows.interpreter.RejectionFailureConverter;
import io.temporal.api.errordetails.v1.NamespaceNotFoundFailure;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.StatusUtils;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A connection to Temporal configured the standard way: {@code TEMPORAL_ADDRESS}, {@code
 * TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS*} or a profile of the
 * Temporal configuration file ({@code TEMPORAL_CONFIG_FILE}, {@code TEMPORAL_PROFILE}).
 *
 * @param owned whether {@link #close} shuts the service stubs down (not when they are the caller's)
 */
public record TemporalConnection(ClientConfigProfile profile, WorkflowClient client, boolean owned)
    implements AutoCloseable {

  /** How long a command waits for the server's first answer (its calls wait 10 s, in silence). */
  public static final Duration FIRST_ANSWER = Duration.ofSeconds(3);

  public static TemporalConnection open() {
    return open(b -> {});
  }

  /** Connects with the standard client configuration, letting the caller adjust the stubs. */
  public static TemporalConnection open(Consumer<WorkflowServiceStubsOptions.Builder> customizer) {
    ClientConfigProfile profile = loadProfile();
    WorkflowServiceStubsOptions.Builder stubs =
        WorkflowServiceStubsOptions.newBuilder(profile.toWorkflowServiceStubsOptions());
    customizer.accept(stubs);
    WorkflowClientOptions options =
        WorkflowClientOptions.newBuilder(profile.toWorkflowClientOptions())
            .setDataConverter(RejectionFailureConverter.dataConverter())
            .build();
    return new TemporalConnection(profile,
        WorkflowClient.newInstance(WorkflowServiceStubs.newServiceStubs(stubs.build()), options),
        true);
  }

  public static ClientConfigProfile loadProfile() {
    try {
      return ClientConfigProfile.load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Temporal client configuration", e);
    }
  }

  /**
   * Returns once the server answers; {@code slow} runs when it has not within {@link
   * #FIRST_ANSWER}, then it is waited for up to the calls' own timeout. Throws its status when it
   * refuses the connection (at once) or does not answer.
   */
  public void checkAnswers(Runnable slow) {
    // One call: the SDK's calls (and its connect) first ask for the server's capabilities, retried.
    try {
      systemInfo(FIRST_ANSWER);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
        throw e;
      }
      slow.run();
      systemInfo(service().getOptions().getRpcTimeout());
    }
  }

  private void systemInfo(Duration deadline) {
    service().blockingStub().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
  }

  public WorkflowServiceStubs service() {
    return client.getWorkflowServiceStubs();
  }

  public String namespace() {
    return client.getOptions().getNamespace();
  }

  public ScheduleClient schedules() {
    return ScheduleClient.newInstance(
        service(), ScheduleClientOptions.newBuilder().setNamespace(namespace()).build());
  }

  /** Whether {@code e} is Temporal not answering (the one rule the CLI and the worker's log use). */
  public static boolean notAnswering(Throwable e) {
    Status.Code code = Status.fromThrowable(e).getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
  }

  /** Whether the server said that what was asked about does not exist (a lab run, a schedule). */
  public static boolean notFound(Throwable e) {
    return Stream.iterate(e, Objects::nonNull, Throwable::getCause)
        .anyMatch(t -> t instanceof WorkflowNotFoundException || t instanceof StatusRuntimeException s
            && s.getStatus().getCode() == Status.Code.NOT_FOUND);
  }

  /** Whether the server said that the namespace asked in does not exist. */
  public static boolean namespaceMissing(Throwable e) {
    return Stream.iterate(e, Objects::nonNull, Throwable::getCause)
        .anyMatch(t -> t instanceof StatusRuntimeException s
            && StatusUtils.hasFailure(s, NamespaceNotFoundFailure.class));
  }

  /** The sentence for a {@code namespace} that does not exist on {@code service}'s server. */
  public static String noNamespace(WorkflowServiceStubs service, String namespace) {
    String address = service.getOptions().getTarget();
    return "Temporal namespace '" + namespace + "' does not exist at " + address
        + "; create it (temporal operator namespace create --address " + address
        + " --namespace " + namespace + ") or set TEMPORAL_NAMESPACE";
  }

  /**
   * The address of the Web UI page of a workflow under {@code ui}, or, when null, under the Web UI
   * next to this server (best effort for local and Cloud servers).
   */
  public String uiAddress(String ui, String workflowId) {
    return (ui != null ? ui : defaultUi()) + "/namespaces/" + namespace() + "/workflows/"
        + workflowId;
  }

  private String defaultUi() {
    String address = profile.getAddress() == null ? "localhost:7233" : profile.getAddress();
    if (address.endsWith(".tmprl.cloud:7233")) {
      return "https://cloud.temporal.io";
    }
    int colon = address.lastIndexOf(':');
    String port = address.substring(colon + 1);
    return "http://" + (colon < 0 ? address : address.substring(0, colon)) + ":"
        + (colon >= 0 && port.matches("\\d{1,5}") ? Integer.parseInt(port) + 1000 : 8233);
  }

  @Override
  public void close() {
    if (owned) {
      service().shutdown();
    }
  }
}
