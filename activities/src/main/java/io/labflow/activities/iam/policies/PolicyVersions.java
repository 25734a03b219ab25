package io.labflow.activities.iam.policies;

import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.policies.PolicyActivities.PolicyVersionOutput;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.PolicyVersion;

/** The default version of a lab policy, within IAM's limit of five versions. */
final class PolicyVersions {

  private static final Logger log = LoggerFactory.getLogger(PolicyVersions.class);
  private static final int MAX_POLICY_VERSIONS = 5;

  private final IamClient iam;

  PolicyVersions(IamClient iam) {
    this.iam = iam;
  }

  /** Makes {@code doc} the default version unless it already is. */
  PolicyVersionOutput ensureDefaultDocument(String arn, String doc, String labId) {
    List<PolicyVersion> versions =
        iam.listPolicyVersionsPaginator(b -> b.policyArn(arn)).versions().stream().toList();
    PolicyVersion current =
        versions.stream().filter(PolicyVersion::isDefaultVersion).findFirst().orElse(null);
    if (current != null) {
      String currentDoc =
          iam.getPolicyVersion(b -> b.policyArn(arn).versionId(current.versionId()))
              .policyVersion()
              .document();
      if (PolicyDocuments.sameDocument(currentDoc, doc)) {
        return new PolicyVersionOutput(arn, current.versionId(), doc, false);
      }
    }
    if (versions.size() >= MAX_POLICY_VERSIONS) {
      PolicyVersion oldest =
          versions.stream()
              .filter(v -> !v.isDefaultVersion())
              .min(Comparator.comparing(PolicyVersion::createDate))
              .orElseThrow();
      delete(arn, oldest);
      log.info("lab {}: deleted oldest version {} of {}", labId, oldest.versionId(), arn);
    }
    // CreatePolicyVersion is not idempotent and has no client token: if AWS did the work and its
    // answer was lost (a 500, a dropped connection), an SDK retry would do it a second time. So the
    // SDK does not retry it; Temporal's retry of the activity first looks at what exists.
    PolicyVersion created =
        iam.createPolicyVersion(
                b ->
                    b.policyArn(arn)
                        .policyDocument(doc)
                        .setAsDefault(true)
                        .overrideConfiguration(o -> o.addPlugin(c -> c.overrideConfiguration(
                            oc -> oc.retryStrategy(AwsRetryStrategy.doNotRetry())))))
            .policyVersion();
    log.info("lab {}: policy {} has new default version {}", labId, arn, created.versionId());
    return new PolicyVersionOutput(arn, created.versionId(), doc, true);
  }

  /** Deletes every version but the default one (IAM deletes that with the policy). */
  void deleteNonDefault(String arn) {
    for (PolicyVersion v : iam.listPolicyVersionsPaginator(b -> b.policyArn(arn)).versions()) {
      if (!v.isDefaultVersion()) {
        delete(arn, v);
      }
    }
  }

  private void delete(String arn, PolicyVersion v) {
    IamEntities.unlessMissing(
        () -> iam.deletePolicyVersion(b -> b.policyArn(arn).versionId(v.versionId())));
  }
}
