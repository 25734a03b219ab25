package io.labflow.activities.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension running one {@link MotoProcess} for the whole test JVM.
 *
 * <p>It starts moto on first use; points the AWS SDK at it through the SDK's standard system
 * properties ({@code aws.endpointUrl}, {@code aws.region}, {@code aws.accessKeyId}, {@code
 * aws.secretAccessKey}); resets moto's state (and switches IAM enforcement off) before every test;
 * and stops the server when the JVM exits.
 */
public final class MotoServer implements BeforeAllCallback, BeforeEachCallback {

  private static volatile MotoProcess moto;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    synchronized (MotoServer.class) {
      if (moto == null) {
        moto = Tools.closedAtExit(
            MotoProcess.start("moto", Tools.forkDir(Path.of("target", "test-logs"))));
      }
    }
    useDefaultCredentials();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    moto.reset();
    useDefaultCredentials();
  }

  /** The endpoint URL of the running server. */
  public static String endpoint() {
    return moto.endpoint();
  }

  /** Points the SDK's standard configuration at moto with the default test credentials. */
  public static void useDefaultCredentials() {
    useCredentials(MotoProcess.ACCESS_KEY, MotoProcess.SECRET_KEY);
  }

  /** Points the SDK's standard configuration at moto with these credentials. */
  public static void useCredentials(String accessKey, String secretKey) {
    System.setProperty("aws.endpointUrl", endpoint());
    System.setProperty("aws.region", MotoProcess.REGION);
    System.setProperty("aws.accessKeyId", accessKey);
    System.setProperty("aws.secretAccessKey", secretKey);
    System.clearProperty("aws.sessionToken");
  }

  /**
   * Turns IAM authentication and authorization on after {@code freeRequests} more requests; the
   * next test's reset turns it off again.
   */
  public static void enforceIamAfter(int freeRequests) throws IOException {
    moto.enforceIamAfter(freeRequests);
  }

  /**
   * Turns IAM enforcement on with the administrator {@code labflow-admin} and points the SDK's
   * standard configuration at the administrator's keys. Returns the administrator's ARN.
   */
  public static String enforceIamWithAdmin() throws IOException {
    MotoProcess.Admin admin = moto.enforceIamWithAdmin("labflow-admin");
    useCredentials(admin.accessKeyId(), admin.secretAccessKey());
    return admin.arn();
  }

  /**
   * Turns IAM enforcement on with the worker as {@code scripts/stack} makes it for {@code
   * LABFLOW_WORKER_AS=policy} (a session of the role holding exactly the shipped worker policy) and
   * points the SDK's standard configuration at that session. Returns the administrator.
   */
  public static MotoProcess.Admin enforceIamAsShippedPolicy() throws IOException {
    MotoProcess.Principals worker = moto.enforceIam(MotoProcess.WorkerAs.POLICY);
    useCredentials(worker.accessKeyId(), worker.secretAccessKey());
    System.setProperty("aws.sessionToken", worker.sessionToken());
    return worker.admin();
  }
}
