package io.labflow.activities.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.Tools;
import io.labflow.workflows.lab.LabIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.labflow.activities.common.AwsClients;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The worker's policy as a document (scoping, exceptions, size) and the table it is built from
 * against the activities' source: every AWS operation the source calls with the worker's clients
 * is in {@link WorkerPermissions}, and the table has no operation the source never calls.
 */
@Tag("fast")
class WorkerPolicyTest {

  /** The whole step library's names: any account and region, the {@code labflow-} prefix. */
  static final PolicyScope.Names LIBRARY =
      new PolicyScope.Names("*", "*", LabIds.NAME_PREFIX, LabIds.NAME_PREFIX);

  static final Path ROOT = Tools.repoRoot();
  static final ObjectMapper JSON = new ObjectMapper();

  /** The resource types of the shipped templates. */
  static Set<String> templateTypes() throws IOException {
    Set<String> types = new LinkedHashSet<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("definitions/templates"))) {
      for (Path p : files.sorted().toList()) {
        types.addAll(WorkerPolicy.stackResourceTypes(Files.readString(p)));
      }
    }
    return types;
  }

  /** The whole step library's policy, as shipped in definitions/worker-policy.json. */
  static String libraryPolicy() throws IOException {
    return new WorkerPolicy.Policy(null, templateTypes(), LIBRARY).document();
  }

  /** The same as managed policies, as shipped in definitions/worker-policy-N.json. */
  static List<String> libraryParts() throws IOException {
    return new WorkerPolicy.Policy(null, templateTypes(), LIBRARY).documents();
  }

  static List<JsonNode> statements(String doc) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    JSON.readTree(doc).get("Statement").forEach(out::add);
    return out;
  }

  static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(x -> out.add(x.asText()));
    } else {
      out.add(n.asText());
    }
    return out;
  }

  @Test
  void theShippedFileIsTheGeneratedPolicy() throws IOException {
    assertThat(Files.readString(ROOT.resolve("definitions/worker-policy.json")))
        .as("definitions/worker-policy.json is stale: regenerate it with"
            + " ./labflow worker-policy > definitions/worker-policy.json")
        .isEqualTo(libraryPolicy());
    List<String> parts = libraryParts();
    for (int i = 1; i <= parts.size(); i++) {
      assertThat(Files.readString(ROOT.resolve("definitions/worker-policy-" + i + ".json")))
          .as("definitions/worker-policy-%d.json is stale: regenerate it with"
              + " ./labflow worker-policy --part %d > definitions/worker-policy-%d.json", i, i, i)
          .isEqualTo(parts.get(i - 1));
    }
    assertThat(ROOT.resolve("definitions/worker-policy-" + (parts.size() + 1) + ".json"))
        .as("a part the policy no longer has").doesNotExist();
  }

  @Test
  void everyStatementIsScopedExceptTheListedExceptions() throws IOException {
    Map<String, String> exceptions = WorkerPolicy.unscopedActions();
    Set<String> onStar = new TreeSet<>();
    for (JsonNode st : statements(libraryPolicy())) {
      String sid = st.get("Sid").asText();
      assertThat(st.get("Effect").asText()).isEqualTo("Allow");
      List<String> actions = strings(st.get("Action"));
      assertThat(actions).as(sid).isNotEmpty().doesNotContain("*")
          .allSatisfy(a -> assertThat(a).matches("[a-z0-9]+:[A-Za-z0-9]+"));
      List<String> resources = strings(st.get("Resource"));
      if (resources.contains("*")) {
        assertThat(resources).as(sid).containsExactly("*");
        onStar.addAll(actions);
        assertThat(exceptions).as("every action on \"*\" has a reason").containsKeys(actions.toArray(String[]::new));
        continue;
      }
      for (String r : resources) {
        boolean named = r.contains(":role/labflow-*") || r.contains(":policy/labflow-*")
            || r.contains(":instance-profile/labflow-*") || r.contains(":stack/labflow-*/*")
            || r.startsWith("arn:aws:s3:::labflow-*")
            || r.contains("parameter/aws/service/ami-amazon-linux-latest/*");
        boolean conditioned = st.has("Condition")
            && (st.get("Condition").toString().contains("aws:ResourceTag/labflow:lab")
                || st.get("Condition").toString().contains("\"iam:PolicyARN\":\"arn:aws:iam::*:policy/labflow-*\""));
        assertThat(named || conditioned)
            .as("%s: %s is neither a lab name nor bound to the lab tag or a lab policy", sid, r)
            .isTrue();
      }
    }
    assertThat(onStar).as("the exceptions, exactly").isEqualTo(exceptions.keySet());
    assertThat(exceptions).allSatisfy((a, why) -> assertThat(why).isNotBlank());
    assertThat(exceptions.keySet()).allSatisfy(a -> assertThat(a)
        .matches("sts:GetCallerIdentity|iam:List(AccountAliases|Roles|Policies|InstanceProfiles)"
            + "|iam:Get(Role|User)"
            + "|iam:GetAccountSummary|servicequotas:GetServiceQuota"
            + "|s3:ListAllMyBuckets|cloudformation:(DescribeStacks|ListStacks)|ec2:.*"));
  }

  @Test
  void creationsNeedTheLabTagAndChangesNeedItOnTheResource() throws IOException {
    for (JsonNode st : statements(libraryPolicy())) {
      List<String> actions = strings(st.get("Action"));
      String condition = st.has("Condition") ? st.get("Condition").toString() : "";
      for (String a : actions) {
        String name = a.substring(a.indexOf(':') + 1);
        if (a.startsWith("iam:") && (name.startsWith("Create") && !name.equals("CreatePolicyVersion")
            || name.startsWith("Tag"))) {
          assertThat(condition).as(a).contains("\"aws:RequestTag/labflow:lab\":\"false\"");
        }
        if (a.equals("cloudformation:CreateStack")) {
          assertThat(condition).as(a).contains("\"aws:RequestTag/labflow:lab\":\"false\"");
        }
        if ((a.startsWith("iam:Delete") || a.equals("cloudformation:DeleteStack")
            || a.matches("ec2:(Associate|Disassociate|Replace)IamInstanceProfile.*"))
            && !a.equals("iam:DetachRolePolicy")) {
          assertThat(condition).as(a).contains("\"aws:ResourceTag/labflow:lab\":\"false\"");
        }
        if (st.get("Sid").asText().startsWith(PolicyScope.LAB_TAGGED_EC2.sid())) {
          assertThat(a).as("the sweep's EC2 statements only delete").matches(
              "ec2:(Terminate|Delete|Disassociate|Detach)[A-Za-z]+|ec2:RevokeSecurityGroup(Ingress|Egress)");
          assertThat(condition).as(a).contains("\"aws:ResourceTag/labflow:lab\":\"false\"");
        } else if (a.startsWith("ec2:") && !a.contains("IamInstanceProfile") && !a.startsWith("ec2:Describe")) {
          assertThat(condition).as("%s only through CloudFormation", a)
              .contains("\"aws:CalledVia\":\"cloudformation.amazonaws.com\"");
        }
      }
    }
  }

  @Test
  void passRoleOnlyForLabRolesAndOnlyToEc2() throws IOException {
    List<JsonNode> passing = statements(libraryPolicy()).stream()
        .filter(st -> strings(st.get("Action")).contains("iam:PassRole")).toList();
    assertThat(passing).hasSize(1);
    JsonNode st = passing.get(0);
    assertThat(strings(st.get("Action"))).containsExactly("iam:PassRole");
    assertThat(strings(st.get("Resource"))).containsExactly("arn:aws:iam::*:role/labflow-*");
    assertThat(st.get("Condition").toString())
        .isEqualTo("{\"StringEquals\":{\"iam:PassedToService\":\"ec2.amazonaws.com\"}}");
  }

  @Test
  void itsPartsFitManagedPoliciesAndHoldExactlyTheWholePolicy() throws IOException {
    String doc = libraryPolicy();
    List<String> parts = libraryParts();
    System.out.printf("worker policy: %d statements, %d distinct actions, %d characters without"
        + " whitespace, in %d managed policies of %s characters (limit 6144)%n",
        statements(doc).size(),
        statements(doc).stream().flatMap(s -> strings(s.get("Action")).stream()).distinct().count(),
        WorkerPolicy.size(doc), parts.size(), parts.stream().map(WorkerPolicy::size).toList());
    List<JsonNode> together = new ArrayList<>();
    for (String part : parts) {
      assertThat(WorkerPolicy.size(part)).as("IAM's limit for a customer managed policy")
          .isLessThanOrEqualTo(6144);
      together.addAll(statements(part));
    }
    assertThat(together).isEqualTo(statements(doc));
    assertThat(parts).as("no more parts than needed").hasSize(
        (int) Math.ceil(WorkerPolicy.size(doc) / 6144.0));
  }

  @Test
  void theSweepDeletesEachEc2ResourceTypeOnlyWithActionsOfThatType() throws IOException {
    Map<String, List<String>> resourcesByAction = new java.util.TreeMap<>();
    for (JsonNode st : statements(libraryPolicy())) {
      if (st.get("Sid").asText().startsWith(PolicyScope.LAB_TAGGED_EC2.sid())) {
        strings(st.get("Action")).forEach(a -> resourcesByAction.put(a, strings(st.get("Resource"))));
      }
    }
    String ec2 = "arn:aws:ec2:*:*:";
    assertThat(resourcesByAction).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("ec2:TerminateInstances", List.of(ec2 + "instance/*")),
        Map.entry("ec2:DeleteNetworkInterface", List.of(ec2 + "network-interface/*")),
        Map.entry("ec2:DisassociateRouteTable", List.of(ec2 + "route-table/*", ec2 + "subnet/*")),
        Map.entry("ec2:DeleteRouteTable", List.of(ec2 + "route-table/*")),
        Map.entry("ec2:DetachInternetGateway", List.of(ec2 + "internet-gateway/*", ec2 + "vpc/*")),
        Map.entry("ec2:DeleteInternetGateway", List.of(ec2 + "internet-gateway/*")),
        Map.entry("ec2:RevokeSecurityGroupIngress", List.of(ec2 + "security-group/*")),
        Map.entry("ec2:RevokeSecurityGroupEgress", List.of(ec2 + "security-group/*")),
        Map.entry("ec2:DeleteSecurityGroup", List.of(ec2 + "security-group/*")),
        Map.entry("ec2:DeleteSubnet", List.of(ec2 + "subnet/*")),
        Map.entry("ec2:DeleteVpc", List.of(ec2 + "vpc/*"))));
    // CloudFormation revokes a group's default outbound rule while it creates the group, which
    // need not carry its tag yet: that grant stays, though the sweep's is bound to the tag.
    assertThat(statements(libraryPolicy()))
        .filteredOn(st -> st.get("Sid").asText().equals(PolicyScope.STACK_EC2.sid()))
        .singleElement().satisfies(st -> assertThat(strings(st.get("Action")))
            .contains("ec2:RevokeSecurityGroupEgress"));
  }

  @Test
  void aDefinitionGetsOnlyWhatItsStepsCall() throws IOException {
    String iamOnly = new WorkerPolicy.Policy(Set.of("CreateRole", "DeleteRole"), Set.of(),
        new PolicyScope.Names("111122223333", "eu-west-1", "reader-", "data-")).document();
    Set<String> actions = new TreeSet<>();
    statements(iamOnly).forEach(st -> actions.addAll(strings(st.get("Action"))));
    assertThat(actions).containsExactlyInAnyOrder(
        "sts:GetCallerIdentity", "iam:ListAccountAliases", "iam:GetRole", "iam:GetUser", "iam:ListRoleTags",
        "iam:CreateRole", "iam:TagRole", "iam:UpdateAssumeRolePolicy", "iam:ListInstanceProfilesForRole",
        "iam:ListAttachedRolePolicies", "iam:DetachRolePolicy", "iam:ListRolePolicies",
        "iam:DeleteRolePolicy", "iam:DeleteRole", "iam:GetInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile", "iam:GetAccountSummary", "servicequotas:GetServiceQuota");
    assertThat(iamOnly).contains("arn:aws:iam::111122223333:role/reader-*").doesNotContain("labflow-");
  }

  @Test
  void namesMissingAPartAreRefusedWithTheSentence() {
    assertThatThrownBy(() -> new PolicyScope.Names("111122223333", null, "reader-", "data-"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policy names need an account, region and prefixes: null");
    assertThatThrownBy(() -> new PolicyScope.Names("111122223333", "eu-west-1", " ", "data-"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policy names need an account, region and prefixes:  ");
  }

  @Test
  void everyTemplateResourceTypeIsKnown() throws IOException {
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("definitions/templates"))) {
      for (Path p : files.toList()) {
        used.addAll(WorkerPolicy.stackResourceTypes(Files.readString(p)));
      }
    }
    assertThat(used).as("types in definitions/templates without CloudFormation permissions in"
        + " WorkerPolicy.STACK_RESOURCES").isSubsetOf(WorkerPolicy.STACK_RESOURCES.keySet());
    assertThat(WorkerPolicy.STACK_RESOURCES.keySet()).as("types no template uses")
        .isSubsetOf(used);
    assertThatThrownBy(() -> WorkerPolicy.grants(null, Set.of("AWS::RDS::DBInstance")))
        .hasMessageContaining("AWS::RDS::DBInstance");
  }

  /** The worker's SDK clients, by the service name the table spells ({@code Iam.CreateRole}). */
  private static final Map<String, Class<?>> CLIENTS = Map.of("IamClient", IamClient.class,
      "StsClient", StsClient.class, "CloudFormationClient", CloudFormationClient.class,
      "Ec2Client", Ec2Client.class, "S3Client", S3Client.class,
      "ServiceQuotasClient", ServiceQuotasClient.class);
  private static final String TYPE = "\\b(" + String.join("|", CLIENTS.keySet()) + ")";
  /** A method without parameters that returns a client: {@code IamClient client()}. */
  private static final Pattern ACCESSOR = Pattern.compile(TYPE + "\\s+([a-z]\\w*)\\s*\\(\\s*\\)");
  /** A record's components, whose accessors may return a client: {@code Stacks(... cfn)}. */
  private static final Pattern RECORD = Pattern.compile("\\brecord\\s+\\w+\\s*\\(([^)]*)\\)");
  /** A field, parameter or variable of a client type, with its initializer if any. */
  private static final Pattern VARIABLE =
      Pattern.compile(TYPE + "\\s+([a-z]\\w*)\\s*(?:=\\s*([^;]*?))?\\s*[;,)]");
  /** A method call, {@code .createRole(}; its receiver is what the text before the dot ends in. */
  private static final Pattern CALL = Pattern.compile("\\.\\s*([a-z]\\w*)\\s*\\(");
  /**
   * A receiver: a variable ({@code iam}, {@code this.iam}) or an accessor's call ({@code .iam()},
   * or {@code iam()} of the class itself).
   */
  private static final Pattern RECEIVER = Pattern.compile("(?:(?:^|[^\\w.])(?:this\\s*\\.\\s*)?"
      + "([a-z]\\w*)|(?:^|[^\\w])([a-z]\\w*)\\s*\\(\\s*\\))\\s*$");

  /**
   * The AWS operations the activities' source calls on the worker's SDK clients, each with the
   * first file calling it, however the client is reached: a field, parameter or variable of a
   * client type ({@code IamClient iam}), or a method returning one ({@code clients.iam()}, {@code
   * entities.client()}). The service is the client's type, and the method must be one of that
   * client's operations (it returns a response or a paginator). A client built with another
   * principal's credentials ({@code s3As}: the probe acting as the lab role) is not the worker's.
   */
  static Map<String, String> operationsInSource() throws IOException {
    Map<Path, String> sources = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(ROOT.resolve("activities/src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        sources.put(f, Files.readString(f));
      }
    }
    Map<String, Class<?>> accessors = new java.util.HashMap<>();
    for (RecordComponent c : AwsClients.class.getRecordComponents()) {
      accessors.put(c.getName(), c.getType());
    }
    sources.values().forEach(text -> ACCESSOR.matcher(text).results()
        .forEach(m -> accessors.put(m.group(2), CLIENTS.get(m.group(1)))));
    sources.values().forEach(text -> RECORD.matcher(text).results()
        .flatMap(r -> VARIABLE.matcher(r.group(1) + ")").results())
        .forEach(m -> accessors.put(m.group(2), CLIENTS.get(m.group(1)))));
    Map<String, String> found = new java.util.TreeMap<>();
    sources.forEach((file, text) -> {
      Map<String, Class<?>> variables = new java.util.HashMap<>();
      VARIABLE.matcher(text).results()
          .filter(m -> m.group(3) == null || !m.group(3).contains("s3As("))
          .forEach(m -> variables.put(m.group(2), CLIENTS.get(m.group(1))));
      Matcher m = CALL.matcher(text);
      while (m.find()) {
        Matcher r = RECEIVER.matcher(text.substring(Math.max(0, m.start() - 200), m.start()));
        Class<?> client = !r.find() ? null
            : r.group(1) != null ? variables.get(r.group(1)) : accessors.get(r.group(2));
        String method = m.group(1);
        boolean operation = client != null && Arrays.stream(client.getMethods()).anyMatch(x ->
            x.getName().equals(method) && x.getReturnType().getSimpleName()
                .matches(".*(Response|Iterable)|ResponseBytes"));
        if (operation) {
          String op = method.replaceFirst("(Paginator|AsBytes)$", "");
          found.putIfAbsent(client.getSimpleName().replaceFirst("Client$", "") + "."
              + Character.toUpperCase(op.charAt(0)) + op.substring(1),
              file.getFileName().toString());
        }
      }
    });
    return found;
  }

  @Test
  void theTableHasExactlyTheOperationsTheActivitiesCall() throws IOException {
    Map<String, String> inSource = operationsInSource();
    Set<String> inTable = new TreeSet<>();
    WorkerPermissions.OPERATIONS.forEach(o -> inTable.add(o.name()));
    for (var e : inSource.entrySet()) {
      assertThat(inTable).as("%s calls %s, which WorkerPermissions.OPERATIONS does not grant:"
          + " add it with its IAM actions", e.getValue(), e.getKey()).contains(e.getKey());
    }
    for (String op : inTable) {
      assertThat(inSource).as("WorkerPermissions grants %s, which no activity calls: remove it", op)
          .containsKey(op);
    }
    assertThat(inSource).hasSizeGreaterThan(40);
  }
}
