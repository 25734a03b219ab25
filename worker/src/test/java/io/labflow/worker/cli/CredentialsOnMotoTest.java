package io.labflow.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.testing.MotoServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * {@code labflow credentials}' session of a learner role under IAM enforcement, as AWS bounds it:
 * a role session that assumes a role (role chaining, such as an instructor signed in through IAM
 * Identity Center) gets at most an hour, any caller at most the role's MaxSessionDuration.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class CredentialsOnMotoTest {

  static final String IAM = "arn:aws:iam::123456789012:role/";

  IamClient iam;
  StsClient admin;

  static String trust(String principal) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
        + "{\"AWS\":\"" + principal + "\"},\"Action\":\"sts:AssumeRole\"}]}";
  }

  static StsClient sts(AwsCredentialsProvider credentials) {
    return StsClient.builder().endpointOverride(URI.create(MotoServer.endpoint()))
        .region(Region.US_EAST_1).credentialsProvider(credentials).build();
  }

  /** An administrator user; roles it and the instructor role may assume, as in learner mode. */
  @BeforeEach
  void roles() throws Exception {
    String user = MotoServer.enforceIamWithAdmin();
    iam = IamClient.builder().endpointOverride(URI.create(MotoServer.endpoint()))
        .region(Region.AWS_GLOBAL).build();
    admin = StsClient.builder().endpointOverride(URI.create(MotoServer.endpoint()))
        .region(Region.US_EAST_1).build();
    iam.createRole(b -> b.roleName("instructor").assumeRolePolicyDocument(trust(user)));
    iam.putRolePolicy(b -> b.roleName("instructor").policyName("assume").policyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}"));
    String both = "[\"" + user + "\",\"" + IAM + "instructor\"]";
    iam.createRole(b -> b.roleName("labflow-lab-1-learner").maxSessionDuration(43200)
        .assumeRolePolicyDocument(trust(user).replace("\"" + user + "\"", both)));
    iam.createRole(b -> b.roleName("short").assumeRolePolicyDocument(trust(user)));
  }

  @AfterEach
  void close() {
    iam.close();
    admin.close();
  }

  @Test
  void aUsersCredentialsGetTheDurationAsked() {
    Credentials c = CredentialsCommand.issue(admin, IAM + "labflow-lab-1-learner", "lab-1",
        Duration.ofHours(2));

    assertThat(Duration.between(Instant.now(), c.expiration()))
        .isBetween(Duration.ofMinutes(110), Duration.ofMinutes(121));
  }

  /** Before, an instructor's role session got AWS's ValidationError, unexplained. */
  @Test
  void aRoleSessionIsRefusedMoreThanAnHourBeforeAskingAwsAndGetsAnHour() {
    Credentials instructor = admin.assumeRole(b -> b.roleArn(IAM + "instructor")
        .roleSessionName("instructor")).credentials();
    try (StsClient chained = sts(StaticCredentialsProvider.create(AwsSessionCredentials.create(
        instructor.accessKeyId(), instructor.secretAccessKey(), instructor.sessionToken())))) {
      String learner = IAM + "labflow-lab-1-learner";

      UsageException refused = catchThrowableOfType(UsageException.class,
          () -> CredentialsCommand.issue(chained, learner, "lab-1", Duration.ofHours(2)));
      StsException aws = catchThrowableOfType(StsException.class, () -> chained.assumeRole(
          b -> b.roleArn(learner).roleSessionName("x").durationSeconds(7200)));
      Credentials hour = CredentialsCommand.issue(chained, learner, "lab-1", Duration.ofHours(1));

      assertThat(refused).hasMessage("--duration 2h is longer than AWS allows here: your AWS"
          + " credentials are a role session (arn:aws:sts::123456789012:assumed-role/instructor/"
          + "instructor), and a role session that assumes another role (role chaining) lasts at"
          + " most 1h; ask for 1h or less, or issue them with an IAM user's credentials");
      assertThat(Main.exitCode(refused)).isEqualTo(2);
      assertThat(aws.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
      assertThat(aws.awsErrorDetails().errorMessage()).isEqualTo("The requested DurationSeconds"
          + " exceeds the 1 hour session limit for roles assumed by role chaining.");
      assertThat(Duration.between(Instant.now(), hour.expiration()))
          .isBetween(Duration.ofMinutes(50), Duration.ofMinutes(61));
    }
  }

  /** Before, the command printed the SDK's text alone: `(Service: Sts, Status Code: 403, ...)`. */
  @Test
  void credentialsAwsRefusesAreOneSentenceNamingTheRoleAndWhatToSet() {
    try (StsClient wrong = sts(StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIA" + "WRONGWRONGWRONG1", "wrong-secret")))) {
      for (Duration asked : List.of(Duration.ofHours(1), Duration.ofHours(2))) {
        IllegalStateException refused = catchThrowableOfType(IllegalStateException.class,
            () -> CredentialsCommand.issue(wrong, IAM + "labflow-lab-1-learner", "lab-1", asked));

        assertThat(refused).as(asked.toString()).hasMessageMatching("AWS did not let this shell's AWS"
            + " credentials assume the learner role " + IAM + "labflow-lab-1-learner"
            + " \\(InvalidClientTokenId: .+\\); use credentials that may"
            + " \\(AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\\)");
        assertThat(Main.exitCode(refused)).isEqualTo(1);
      }
    }
  }

  @Test
  void aSessionLongerThanTheRolesMaxSessionDurationIsRefusedAsAwsRefusesIt() {
    StsException aws = catchThrowableOfType(StsException.class, () -> admin.assumeRole(
        b -> b.roleArn(IAM + "short").roleSessionName("x").durationSeconds(7200)));

    assertThat(aws.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
    assertThat(aws.awsErrorDetails().errorMessage()).isEqualTo("The requested DurationSeconds"
        + " exceeds the MaxSessionDuration set for this role.");
  }
}
