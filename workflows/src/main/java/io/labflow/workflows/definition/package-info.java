/**
 * Reading a step file into the model: the loader, the readers of each section and the checks
 * across them, with every problem reported at its place.
 */
package io.labflow.workflows.definition;
