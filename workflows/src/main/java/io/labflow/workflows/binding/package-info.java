/**
 * Binding a run request to a resolved lab: the lab id, variant and parameters checked and typed
 * against a loaded definition, site parameters merged, and the checks made before the first step.
 */
package io.labflow.workflows.binding;
