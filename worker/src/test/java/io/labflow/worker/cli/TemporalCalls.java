package io.labflow.worker.cli;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.labflow.worker.client.TemporalConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * The calls a command line sends Temporal at {@code address}, each named with whether its deadline
 * is the first answer's ({@link TemporalConnection#FIRST_ANSWER}) or the SDK's longer one.
 */
final class TemporalCalls implements ClientInterceptor {

  final List<String> calls = new CopyOnWriteArrayList<>();

  /** An address on this machine that refuses connections (nothing listens there any more). */
  static String refusing() throws IOException {
    try (ServerSocket closed = new ServerSocket(0)) {
      return "127.0.0.1:" + closed.getLocalPort();
    }
  }

  /**
   * A command line whose connection to Temporal goes to {@code address} through {@code this}.
   *
   * @param rpcTimeout the calls' timeout; null for the SDK's (10 s)
   */
  CommandLine commandLine(String address, Duration rpcTimeout) {
    LabflowCommand root = new LabflowCommand();
    root.connector = () -> TemporalConnection.open(b -> {
      b.setTarget(address).setGrpcClientInterceptors(List.of(this));
      if (rpcTimeout != null) {
        b.setRpcTimeout(rpcTimeout);
      }
    });
    return Main.newCommandLine(root, CommandLine.defaultFactory());
  }

  @Override
  public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method,
      CallOptions options, Channel next) {
    boolean withinFirstAnswer = options.getDeadline() != null && options.getDeadline()
        .timeRemaining(TimeUnit.MILLISECONDS) <= TemporalConnection.FIRST_ANSWER.toMillis();
    calls.add(method.getFullMethodName() + (withinFirstAnswer ? " within" : " beyond")
        + " the first answer's deadline");
    return next.newCall(method, options);
  }
}
