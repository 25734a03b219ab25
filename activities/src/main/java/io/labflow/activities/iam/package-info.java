/**
 * The IAM steps, by resource: {@code roles}, {@code policies} (managed policies, their versions
 * and their attachment to roles) and {@code profiles} (instance profiles), over the lookups they
 * share ({@link io.labflow.activities.iam.IamEntities}).
 *
 * <p>Every create adopts an existing resource only if this lab run created it, and fails {@code
 * NotOwned} (touching nothing) when the name is taken by a resource without the lab's tag. Every
 * delete is idempotent (missing is success) and refuses resources without the tag.
 */
package io.labflow.activities.iam;
