package io.labflow.worker.e2e;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;
import software.amazon.awssdk.services.iam.model.Role;

/** The tests' own view of IAM on moto: an inventory independent of the code under test. */
public final class Iam implements AutoCloseable {

  private final IamClient iam;

  public Iam(String endpoint) {
    // moto accepts any credentials; these dummy values never reach a real account.
    iam = IamClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.AWS_GLOBAL)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .build();
  }

  public IamClient client() {
    return iam;
  }

  /** Every role whose name starts with the lab id. */
  public List<Role> roles(String labId) {
    return iam.listRolesPaginator().roles().stream()
        .filter(r -> r.roleName().startsWith(labId + "-")).toList();
  }

  /** Every customer managed policy whose name starts with the lab id. */
  public List<Policy> policies(String labId) {
    return iam.listPoliciesPaginator(b -> b.scope(PolicyScopeType.LOCAL)).policies().stream()
        .filter(p -> p.policyName().startsWith(labId + "-")).toList();
  }

  public Optional<Instant> roleCreated(String roleName) {
    try {
      return Optional.of(iam.getRole(b -> b.roleName(roleName)).role().createDate());
    } catch (NoSuchEntityException e) {
      return Optional.empty();
    }
  }

  public List<AttachedPolicy> attached(String roleName) {
    return iam.listAttachedRolePolicies(b -> b.roleName(roleName)).attachedPolicies();
  }

  /** The default version's document of a policy, decoded. */
  public String defaultDocument(Policy policy) {
    Policy fresh = iam.getPolicy(b -> b.policyArn(policy.arn())).policy();
    String doc = iam.getPolicyVersion(b -> b.policyArn(policy.arn()).versionId(fresh.defaultVersionId()))
        .policyVersion().document();
    return URLDecoder.decode(doc, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    iam.close();
  }
}
