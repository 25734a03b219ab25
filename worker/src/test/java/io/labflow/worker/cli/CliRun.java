package io.labflow.worker.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import picocli.CommandLine;

/** One {@code labflow} command line run in-process, with what it printed: the offline tests' runner. */
record CliRun(int code, String out, String err) {

  String all() {
    return out + err;
  }

  static CliRun run(String... args) {
    return run(Main.newCommandLine(), args);
  }

  static CliRun run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new CliRun(cli.execute(args), out.toString(), err.toString());
  }

  /** {@code body}'s answer with no AWS region: no aws.region, no profile file, no EC2 metadata. */
  static <T> T withoutAwsRegion(Supplier<T> body) {
    String region = System.clearProperty("aws.region");
    System.setProperty("aws.configFile", "/nonexistent/aws-config");
    System.setProperty("aws.disableEc2Metadata", "true");
    try {
      return body.get();
    } finally {
      System.clearProperty("aws.configFile");
      System.clearProperty("aws.disableEc2Metadata");
      if (region != null) {
        System.setProperty("aws.region", region);
      }
    }
  }
}
