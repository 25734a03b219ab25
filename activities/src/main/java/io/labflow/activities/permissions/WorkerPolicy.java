package io.labflow.activities.permissions;

import static io.labflow.activities.permissions.PolicyScope.STACK_AMI_PARAMETER;
import static io.labflow.activities.permissions.PolicyScope.STACK_BUCKET;
import static io.labflow.activities.permissions.PolicyScope.STACK_EC2;
import static java.util.stream.Collectors.joining;
import static java.util.stream.Collectors.toCollection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.activities.cloudformation.TemplateFacts;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.permissions.WorkerPermissions.Grant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The IAM policy the worker's own principal needs, built from {@link WorkerPermissions} and from
 * what CloudFormation does with the worker's credentials for each resource type of a template: for
 * the whole step library, or for the step actions of one definition (plus the nightly reset's
 * sweep), with one statement per {@link PolicyScope}.
 */
public final class WorkerPolicy {

  /** The nightly reset's sweep, which any lab may get. */
  public static final String SWEEP = "DeleteLabResources";

  private WorkerPolicy() {}

  /**
   * What CloudFormation calls with the worker's credentials (no service role) to create and
   * delete each resource type, after the types' handler permissions in the CloudFormation
   * registry; granted only through CloudFormation ({@code aws:CalledVia}). A template parameter of
   * an SSM parameter type is resolved the same way.
   */
  static final Map<String, List<Grant>> STACK_RESOURCES = stackResources();

  /** The template parameter type CloudFormation resolves from SSM with the caller's credentials. */
  static final String SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::Value";

  private static Map<String, List<Grant>> stackResources() {
    Map<String, List<Grant>> m = new LinkedHashMap<>();
    m.put("AWS::EC2::VPC", ec2("CreateVpc", "DescribeVpcs", "ModifyVpcAttribute",
        "DescribeVpcAttribute", "CreateTags", "DeleteVpc"));
    m.put("AWS::EC2::Subnet", ec2("CreateSubnet", "DescribeSubnets", "ModifySubnetAttribute",
        "DescribeAvailabilityZones", "CreateTags", "DeleteSubnet"));
    m.put("AWS::EC2::InternetGateway", ec2("CreateInternetGateway", "DescribeInternetGateways",
        "CreateTags", "DeleteInternetGateway"));
    m.put("AWS::EC2::VPCGatewayAttachment", ec2("AttachInternetGateway", "DetachInternetGateway",
        "DescribeInternetGateways"));
    m.put("AWS::EC2::RouteTable", ec2("CreateRouteTable", "DescribeRouteTables", "CreateTags",
        "DeleteRouteTable"));
    m.put("AWS::EC2::Route", ec2("CreateRoute", "DeleteRoute", "DescribeRouteTables"));
    m.put("AWS::EC2::SubnetRouteTableAssociation", ec2("AssociateRouteTable",
        "DisassociateRouteTable", "DescribeRouteTables"));
    m.put("AWS::EC2::SecurityGroup", ec2("CreateSecurityGroup", "DescribeSecurityGroups",
        "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress", "CreateTags",
        "DeleteSecurityGroup"));
    m.put("AWS::EC2::Instance", ec2("RunInstances", "DescribeInstances", "CreateTags",
        "TerminateInstances"));
    m.put("AWS::S3::Bucket", Arrays.stream(new String[] {"CreateBucket", "PutBucketTagging",
        "PutBucketPublicAccessBlock", "PutEncryptionConfiguration", "DeleteBucket"})
        .map(a -> new Grant("s3:" + a, STACK_BUCKET, null, List.of())).toList());
    m.put(SSM_PARAMETER_TYPE,
        List.of(new Grant("ssm:GetParameters", STACK_AMI_PARAMETER, null, List.of())));
    return m;
  }

  private static final String THROUGH_STACK =
      "CloudFormation creates and deletes the template's EC2 resources with the worker's"
          + " credentials, under ids nobody knows beforehand; allowed only through CloudFormation"
          + " (aws:CalledVia)";

  private static List<Grant> ec2(String... actions) {
    return Arrays.stream(actions)
        .map(a -> new Grant("ec2:" + a, STACK_EC2, THROUGH_STACK, List.of())).toList();
  }

  /** IAM's limit for a customer managed policy, in characters without whitespace. */
  public static final int MANAGED_POLICY_LIMIT = 6144;

  /**
   * A worker policy: its document whole, or as managed policies.
   *
   * @param stepActions the step actions to cover; null for the whole step library
   * @param stackTypes the resource types of the CloudFormation templates the stacks are built from
   * @param names what the ARN patterns are filled with
   */
  public record Policy(Set<String> stepActions, Set<String> stackTypes, PolicyScope.Names names) {

    /**
     * The policy document, whole.
     *
     * @throws IllegalArgumentException for a template resource type the table does not know
     */
    public String document() {
      return render(statements(stepActions, stackTypes, names));
    }

    /**
     * The same policy as managed policies: its statements in order, in as few documents as hold
     * them within {@link #MANAGED_POLICY_LIMIT} each. Together they grant exactly what {@link
     * #document} grants.
     */
    public List<String> documents() {
      List<String> out = new ArrayList<>();
      List<ObjectNode> part = new ArrayList<>();
      for (ObjectNode st : statements(stepActions, stackTypes, names)) {
        part.add(st);
        if (part.size() > 1 && size(render(part)) > MANAGED_POLICY_LIMIT) {
          part.remove(part.size() - 1);
          out.add(render(part));
          part = new ArrayList<>(List.of(st));
        }
      }
      out.add(render(part));
      return out;
    }
  }

  /** A document's size as IAM counts it against its limits: whitespace does not count. */
  public static long size(String document) {
    return document.chars().filter(c -> !Character.isWhitespace(c)).count();
  }

  /** One statement per scope and, in a typed scope, per set of resource types. */
  private static List<ObjectNode> statements(
      Set<String> stepActions, Set<String> stackTypes, PolicyScope.Names names) {
    List<ObjectNode> statements = new ArrayList<>();
    byScope(grants(stepActions, stackTypes)).forEach((scope, byTypes) -> byTypes.forEach(
        (types, actions) -> {
          List<String> resources = scope.resources(names, types);
          Map<String, Map<String, String>> condition = scope.condition(names);
          // internet-gateway as InternetGateway in the statement id
          String typeWords = types.stream().flatMap(t -> Arrays.stream(t.split("-")))
              .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1)).collect(joining());
          ObjectNode st = PolicyDocuments.statement(scope.sid() + typeWords, "Allow",
              List.copyOf(actions), resources, condition.isEmpty() ? null : condition);
          if (resources.size() == 1) {
            st.put("Resource", resources.get(0));
          }
          statements.add(st);
        }));
    return statements;
  }

  /** The grants' actions by scope and resource types, each once where the worker needs it. */
  private static Map<PolicyScope, Map<List<String>, Set<String>>> byScope(List<Grant> grants) {
    Map<PolicyScope, Map<List<String>, Set<String>>> byScope = new EnumMap<>(PolicyScope.class);
    for (Grant g : grants) {
      byScope.computeIfAbsent(g.scope(), k -> new LinkedHashMap<>())
          .computeIfAbsent(g.resourceTypes(), k -> new TreeSet<>()).add(g.action());
    }
    // An action CloudFormation needs that the worker holds unconditionally on the same resources
    // anyway is not repeated.
    dropGranted(byScope, PolicyScope.STACK_EC2, PolicyScope.ANY);
    dropGranted(byScope, PolicyScope.STACK_BUCKET, PolicyScope.BUCKET);
    // The stack's EC2 resources carry the stack's lab tag, so CloudFormation's deletes of them are
    // covered by the sweep's tag-bound statements; only what carries no tag (routes) stays, and
    // RevokeSecurityGroupEgress, which CloudFormation calls while it creates a group (replacing
    // the default outbound rule), before the group need carry its tag.
    dropGranted(byScope, PolicyScope.STACK_EC2, PolicyScope.LAB_TAGGED_EC2,
        "ec2:RevokeSecurityGroupEgress");
    return byScope;
  }

  private static String render(List<ObjectNode> statements) {
    return PolicyDocuments.document(statements, true) + "\n";
  }

  private static void dropGranted(Map<PolicyScope, Map<List<String>, Set<String>>> byScope,
      PolicyScope from, PolicyScope grantedIn, String... kept) {
    Set<String> granted = new TreeSet<>();
    byScope.getOrDefault(grantedIn, Map.of()).values().forEach(granted::addAll);
    granted.removeAll(List.of(kept));
    byScope.computeIfPresent(from, (k, byTypes) -> {
      byTypes.values().forEach(v -> v.removeAll(granted));
      byTypes.values().removeIf(Set::isEmpty);
      return byTypes.isEmpty() ? null : byTypes;
    });
  }

  /** Every grant for these step actions (null: all) and template resource types. */
  static List<Grant> grants(Set<String> stepActions, Set<String> stackTypes) {
    List<Grant> out = new ArrayList<>(WorkerPermissions.OPERATIONS.stream()
        .filter(op -> stepActions == null || op.usedBy().contains(WorkerPermissions.EVERY_RUN)
            || op.usedBy().stream().anyMatch(stepActions::contains))
        .flatMap(op -> op.grants().stream()).toList());
    // The step actions after which CloudFormation acts with the worker's credentials.
    if (stepActions == null || stepActions.stream().anyMatch(
        Set.of("CreateStack", "DeleteStack", SWEEP)::contains)) {
      for (String type : stackTypes) {
        List<Grant> g = STACK_RESOURCES.get(type);
        if (g == null) {
          throw new IllegalArgumentException(
              "a template uses " + type + ", whose CloudFormation permissions labflow does not"
                  + " know: add them to WorkerPolicy.STACK_RESOURCES");
        }
        out.addAll(g);
      }
    }
    return out;
  }

  /** The resource types of a CloudFormation template, and the SSM parameter type if it uses one. */
  public static Set<String> stackResourceTypes(String templateText) {
    return TemplateFacts.types(templateText).stream()
        .map(t -> t.startsWith(SSM_PARAMETER_TYPE) ? SSM_PARAMETER_TYPE : t)
        .collect(toCollection(LinkedHashSet::new));
  }

  /** Every action granted on {@code "*"}, with the reason: the generator's list of exceptions. */
  public static Map<String, String> unscopedActions() {
    List<Grant> all = grants(null, STACK_RESOURCES.keySet());
    Map<String, String> out = new TreeMap<>();
    byScope(all).forEach((scope, byTypes) -> byTypes.values().forEach(actions -> all.stream()
        .filter(g -> scope.unscoped() && g.scope() == scope && actions.contains(g.action()))
        .forEach(g -> out.putIfAbsent(g.action(), g.reason()))));
    return out;
  }
}
