package io.labflow.workflows.definition;

import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.catalog.FieldSpec;
import java.util.List;

/** A small step library shaped like the AWS one, for loader tests. */
final class TestCatalog {

  private TestCatalog() {}

  static ActionCatalog create() {
    return ActionCatalog.of(
        List.of(
            new ActionSpec(
                "CreateStack",
                List.of(
                    req("labId", "string"),
                    req("stackName", "string"),
                    req("templateName", "string"),
                    opt("parameters", "map")),
                List.of(
                    req("stackId", "string"),
                    req("instanceId", "string"),
                    req("bucketName", "string"))),
            new ActionSpec(
                "DeleteStack",
                List.of(req("labId", "string"), req("stackName", "string")),
                List.of()),
            new ActionSpec(
                "CreateRole",
                List.of(
                    req("labId", "string"),
                    req("roleName", "string"),
                    opt("description", "string"),
                    opt("maxSessionSeconds", "integer")),
                List.of(req("roleArn", "string"), req("roleName", "string"))),
            new ActionSpec(
                "DeleteRole",
                List.of(req("labId", "string"), req("roleName", "string")),
                List.of()),
            new ActionSpec(
                "CreatePolicy",
                List.of(
                    req("labId", "string"),
                    req("policyName", "string"),
                    req("actions", "list"),
                    req("bucketName", "string")),
                List.of(req("policyArn", "string"))),
            new ActionSpec(
                "DeletePolicy",
                List.of(req("labId", "string"), req("policyArn", "string")),
                List.of()),
            new ActionSpec(
                "AttachRolePolicy",
                List.of(req("labId", "string"), req("roleName", "string"), req("policyArn", "string")),
                List.of()),
            new ActionSpec(
                "DetachRolePolicy",
                List.of(req("labId", "string"), req("roleName", "string"), req("policyArn", "string")),
                List.of()),
            new ActionSpec(
                "VerifyAccess",
                List.of(
                    req("labId", "string"),
                    req("instanceId", "string"),
                    req("bucketName", "string"),
                    req("expectAllowed", "list"),
                    opt("strict", "boolean"),
                    opt("ratio", "number")),
                List.of(req("passed", "boolean"), req("report", "string")))));
  }

  private static FieldSpec req(String name, String type) {
    return new FieldSpec(name, type, true);
  }

  private static FieldSpec opt(String name, String type) {
    return new FieldSpec(name, type, false);
  }
}
