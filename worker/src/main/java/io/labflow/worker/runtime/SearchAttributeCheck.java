package io.labflow.worker.runtime;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's start-up check that its namespace has every search attribute of {@link
 * LabSearchAttributes#ALL}: without them each lab's first workflow task fails {@code
 * BadSearchAttributes} and is retried forever, so the worker refuses to start instead.
 */
final class SearchAttributeCheck {

  private static final Logger log = LoggerFactory.getLogger(SearchAttributeCheck.class);

  private SearchAttributeCheck() {}

  /**
   * Asks the OperatorService which attributes the namespace has; throws {@link
   * IllegalStateException} with one sentence (the missing ones and the command that adds them) when
   * some are missing or the namespace does not exist. A server that does not let the worker ask
   * (for example a Cloud API key without operator rights) only gets a warning.
   */
  static void require(WorkflowServiceStubs service, String namespace) {
    String address = service.getOptions().getTarget();
    ListSearchAttributesResponse listed;
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder(service.getOptions()).build());
    try {
      listed = operator.blockingStub().listSearchAttributes(
          ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new IllegalStateException("Temporal namespace '" + namespace + "' does not exist at "
            + address + "; create it (temporal operator namespace create --address " + address
            + " --namespace " + namespace + ") or set TEMPORAL_NAMESPACE");
      }
      log.warn("Could not check the search attributes of namespace '{}' ({}); labs fail their first"
          + " workflow task if {} are not registered there", namespace, e.getStatus().getCode(),
          LabSearchAttributes.ALL.stream().map(k -> k.getName()).collect(Collectors.joining(", ")));
      return;
    } finally {
      operator.shutdown();
    }
    List<String> missing = LabSearchAttributes.ALL.stream()
        .map(k -> k.getName())
        .filter(name -> listed.getCustomAttributesMap().get(name) != IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Temporal namespace '" + namespace + "' at " + address
          + " lacks labflow's Keyword search attribute" + (missing.size() > 1 ? "s " : " ")
          + String.join(", ", missing) + ", so every lab there would fail its first workflow task; add them with: "
          + "temporal operator search-attribute create --address " + address + " --namespace "
          + namespace
          // The CLI pairs each --name with a --type.
          + missing.stream().map(n -> " --name " + n + " --type Keyword").collect(Collectors.joining()));
    }
  }
}
