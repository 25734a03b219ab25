package io.labflow.worker.engine;

import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.common.AccountPolicy;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.StepLibrary;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import io.labflow.workflows.definition.Diagnostic;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.definition.DefinitionActivitiesImpl;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.DefinitionSource;
import io.labflow.workflows.definition.SiteParameters;
import io.labflow.workflows.interpreter.LabWorkflowImpl;
import io.labflow.workflows.interpreter.RejectionFailureConverter;
import io.temporal.common.converter.DataConverter;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.model.Definition;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place where the worker touches the engine's and the step library's implementation
 * classes; everything else in this module programs against the workflow contract.
 */
public final class Engine {

  private static final ActionCatalog CATALOG =
      ActionCatalog.fromActivityInterfaces(
          StepLibrary.activityInterfaces().toArray(Class<?>[]::new));

  private Engine() {}

  /** Every action a step file may use, as declared by the step library. */
  public static ActionCatalog catalog() {
    return CATALOG;
  }

  /** Loads and validates one step file without touching Temporal or AWS. */
  public static Validation validate(String fileName, String text) {
    LoadResult result = new DefinitionLoader(CATALOG).load(fileName, text);
    List<String> diagnostics = result.errors().stream().map(Diagnostic::toString).toList();
    return new Validation(
        result.ok() ? Optional.of(result.definitionOrNull()) : Optional.empty(), diagnostics);
  }

  /** Registers the lab interpreter workflow on a worker. */
  public static void registerLabWorkflow(Worker worker) {
    worker.registerWorkflowImplementationTypes(LabWorkflowImpl.class);
  }

  /** The definition-resolving activity, reading definitions from the given source. */
  public static Object definitionActivities(DefinitionSource source) {
    return definitionActivities(source, Preflight.NONE);
  }

  /**
   * The definition-resolving activity, reading definitions from the given source and running the
   * preflight checks on every bound request before the lab's first step.
   */
  public static Object definitionActivities(DefinitionSource source, Preflight preflight) {
    return new DefinitionActivitiesImpl(source, new DefinitionLoader(CATALOG), preflight);
  }

  /**
   * The check that every {@code format: arn} parameter names a principal of the worker's own
   * account (sts:GetCallerIdentity, asked once) or of one the definition allows.
   */
  public static Preflight principalAccounts(AwsClients clients) {
    return principalAccounts(() -> clients.sts().getCallerIdentity().account());
  }

  /** The same check against an account id from elsewhere (tests, a fixed setting). */
  public static Preflight principalAccounts(java.util.function.Supplier<String> ownAccount) {
    return new PrincipalAccountPreflight(ownAccount);
  }

  /**
   * The same, with the site's parameter values between the run's own and the definition's
   * defaults.
   */
  public static Object definitionActivities(
      DefinitionSource source, Preflight preflight, SiteParameters site) {
    return new DefinitionActivitiesImpl(source, new DefinitionLoader(CATALOG), preflight, site);
  }

  /**
   * The step library's preflight over these clients: credentials, account, region, endpoint and
   * the lab's verification method, instance types and trusted principals.
   *
   * @param definitionsDir where the definitions' templates are
   */
  public static Preflight awsPreflight(AwsClients clients, Path definitionsDir) {
    return new AwsLabPreflight(clients, definitionsDir);
  }

  /** The verification methods ({@code simulate}, {@code probe}) a resolved lab's steps will use. */
  public static List<String> verificationMethods(String labId, io.labflow.workflows.lab.ResolvedLab lab) {
    return AwsLabPreflight.verifications(labId, lab).stream()
        .map(io.labflow.activities.preflight.AwsPreflight.Verification::method).distinct().toList();
  }

  /** The account's quotas against what labs need, over these clients. */
  public static QuotaPlanner quotaPlanner(AwsClients clients, Path definitionsDir) {
    return new QuotaPlanner(clients, definitionsDir);
  }

  /**
   * The data converter of every worker and client: the default one, with update rejections kept
   * as the validator's ApplicationFailure (see RejectionFailureConverter).
   */
  public static DataConverter dataConverter() {
    return RejectionFailureConverter.dataConverter();
  }

  /**
   * Every AWS activity implementation of the step library, over one set of clients; CloudFormation
   * template paths are relative to the definitions directory.
   */
  public static List<Object> stepActivities(AwsClients clients, Path definitionsDir) {
    return List.copyOf(StepLibrary.implementations(clients, definitionsDir));
  }

  /**
   * AWS clients built once from the standard AWS configuration (env, profile, endpoint), guarded by
   * the account guard of this process's configuration, with these execution interceptors (the
   * worker's call counter) on every client.
   */
  public static AwsClients awsClients(List<ExecutionInterceptor> interceptors) {
    return awsAccess(interceptors).clients();
  }

  /**
   * The same clients and their account guard, whose {@code verify} the worker runs as its first
   * preflight. Every client this module builds goes through here, so no AWS call of the worker or
   * of a CLI command reaches an account that is not allowed.
   */
  public static AwsAccess awsAccess(List<ExecutionInterceptor> interceptors) {
    AccountGuard guard = new AccountGuard(AccountPolicy.fromEnvironment());
    List<ExecutionInterceptor> all = new java.util.ArrayList<>();
    all.add(guard);
    all.addAll(interceptors);
    AwsClients clients =
        AwsClients.fromEnvironment(AwsClients.Settings.defaults().withInterceptors(all));
    guard.bind(clients.sts(), clients.iam());
    return new AwsAccess(clients, guard);
  }

  /** A worker's AWS clients and the account guard on them. */
  public record AwsAccess(AwsClients clients, AccountGuard guard) {}

  /**
   * The IAM policy document the CreatePolicy activity would send for these inputs, built by the
   * activity's own code; empty when the step library offers no such builder.
   */
  public static Optional<String> policyDocument(Map<String, Object> createPolicyInput) {
    Object bucket = createPolicyInput.get("bucketName");
    Object actions = createPolicyInput.get("actions");
    if (!(bucket instanceof String b) || !(actions instanceof List<?> list)) {
      return Optional.empty();
    }
    boolean wildcard = Boolean.TRUE.equals(createPolicyInput.get("resourceWildcard"));
    // A bucket known only at run time (a step output) is built with a stand-in name, then shown as
    // the placeholder it stands for.
    boolean placeholder = b.startsWith("<") && b.endsWith(">");
    String bucketName = placeholder ? PLAN_BUCKET : b;
    try {
      String doc =
          PolicyDocuments.forBucket(bucketName, list.stream().map(String::valueOf).toList(), wildcard);
      String pretty =
          PRETTY.writerWithDefaultPrettyPrinter().writeValueAsString(PRETTY.readTree(doc));
      return Optional.of(placeholder ? pretty.replace(PLAN_BUCKET, b) : pretty);
    } catch (ApplicationFailure e) {
      return Optional.of("(invalid: " + e.getOriginalMessage() + ")");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Which AWS accounts a worker with this process's configuration may act in ({@code
   * LABFLOW_ALLOWED_ACCOUNTS}, the endpoint), as one line.
   */
  public static String allowedAccounts() {
    return AccountPolicy.fromEnvironment().describe();
  }

  /**
   * The IAM policy the worker's principal needs for these step actions (null: the whole step
   * library) and template resource types, scoped to these names.
   */
  public static String workerPolicy(Set<String> stepActions, Set<String> stackTypes,
      String account, String region, String namePrefix, String bucketPrefix) {
    return io.labflow.activities.permissions.WorkerPolicy.document(stepActions, stackTypes,
        new io.labflow.activities.permissions.PolicyScope.Names(account, region, namePrefix, bucketPrefix));
  }

  /** The same policy as managed policies, each within IAM's limit (usually one). */
  public static List<String> workerPolicyParts(Set<String> stepActions, Set<String> stackTypes,
      String account, String region, String namePrefix, String bucketPrefix) {
    return io.labflow.activities.permissions.WorkerPolicy.documents(stepActions, stackTypes,
        new io.labflow.activities.permissions.PolicyScope.Names(account, region, namePrefix, bucketPrefix));
  }

  /**
   * The verifications a lab will run, as its preflight reads them: method, the parameter it comes
   * from, the role it verifies.
   */
  public static List<io.labflow.activities.preflight.AwsPreflight.Verification> verifications(
      String labId, io.labflow.workflows.lab.ResolvedLab lab) {
    return AwsLabPreflight.verifications(labId, lab);
  }

  /** The resource types of a CloudFormation template, as the worker policy needs them. */
  public static Set<String> stackResourceTypes(String template) {
    return io.labflow.activities.permissions.WorkerPolicy.stackResourceTypes(template);
  }

  /** Every action the worker policy grants on "*", with the reason. */
  public static Map<String, String> unscopedWorkerActions() {
    return io.labflow.activities.permissions.WorkerPolicy.unscopedActions();
  }

  /**
   * The trust policy the CreateRole activity would send, pretty-printed; the activity's default
   * service principal when none is given.
   */
  public static String trustPolicy(String servicePrincipal, String trustedPrincipalArn) {
    String doc =
        PolicyDocuments.trustPolicy(
            servicePrincipal == null
                ? io.labflow.activities.iam.roles.RoleActivitiesImpl.DEFAULT_SERVICE_PRINCIPAL
                : servicePrincipal,
            trustedPrincipalArn);
    try {
      return PRETTY.writerWithDefaultPrettyPrinter().writeValueAsString(PRETTY.readTree(doc));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final ObjectMapper PRETTY = new ObjectMapper();
  private static final String PLAN_BUCKET = "labflow-plan-placeholder-bucket";

  /**
   * The outcome of validating one file.
   *
   * @param definition the definition when the file is valid
   * @param diagnostics every problem as {@code FILE:LINE:COLUMN: path: message}; empty when valid
   */
  public record Validation(Optional<Definition> definition, List<String> diagnostics) {
    public boolean valid() {
      return diagnostics.isEmpty() && definition.isPresent();
    }
  }
}
