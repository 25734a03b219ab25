package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoProcess;
import io.labflow.activities.testing.MotoWithLimits;
import io.labflow.activities.testing.SdkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code labflow leaks} on an account the size AWS pages and throttles: more roles than one page
 * of {@code ListRoles} (AWS and moto: 100), and one tag read per role under AWS's rate limits
 * (the local stack's IAM bucket: 20 calls, 10 a second). Every page is read and every throttled
 * read gets through the SDK's adaptive retry: nothing is reported unread, no role is missed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class AccountLabsAtScaleTest {

  @RegisterExtension
  static final MotoWithLimits moto = new MotoWithLimits("moto-account-scan", MotoProcess.Limits.NONE);

  private SdkSettings sdk;

  @BeforeEach
  void pointAtThisMoto() {
    sdk = SdkSettings.pointingAt(moto.process().endpoint());
  }

  @AfterEach
  void restore() {
    sdk.close();
  }

  @Test
  void everyPageIsReadAndEveryThrottledTagReadGetsThrough() throws Exception {
    int roles = 160;
    try (Lab lab = new Lab()) {
      String trust = PolicyDocuments.trustPolicy("ec2.amazonaws.com", null);
      IntStream.range(0, roles).forEach(i -> lab.clients.iam().createRole(b -> b
          .roleName(String.format("role-%03d", i)).assumeRolePolicyDocument(trust)
          .tags(t -> t.key("labflow:lab").value(i % 40 == 39 ? "lab-a" : "lab-" + i),
              t -> t.key("labflow:namespace").value("default"))));
      moto.process().rates("default");
      lab.calls.reset();
      List<String> said = new ArrayList<>();

      AccountLabs found = AccountLabs.scan(lab.clients, said::add);

      assertThat(found.unreadable()).isEmpty();
      assertThat(found.denied()).isEmpty();
      assertThat(said).contains("reading the tags of " + roles + " roles (one call each)");
      assertThat(lab.calls.count("Iam", "ListRoles")).as("pages of 100").isEqualTo(2);
      assertThat(lab.calls.count("Iam", "ListRoleTags")).isEqualTo(roles);
      assertThat(moto.process().throttled().getOrDefault("iam.ListRoleTags", 0))
          .as("AWS's IAM rate throttled the scan, and the SDK's retries got through")
          .isGreaterThan(0);
      Map<String, ?> labs = found.of("default");
      assertThat(labs).hasSize(roles - 4 + 1);
      assertThat(found.of("default").get("lab-a").get(ResourceKind.ROLES))
          .containsExactlyInAnyOrder("role-039", "role-079", "role-119", "role-159");
    }
  }
}
