package io.labflow.activities.iam;

import io.labflow.activities.iam.policies.PolicyActivities;
import io.labflow.activities.iam.profiles.InstanceProfileActivities;
import io.labflow.activities.iam.roles.RoleActivities;
import io.temporal.activity.ActivityInterface;

/**
 * Every IAM step in one interface, for a caller that wants one stub for all of them (tests, a
 * client). The worker registers the three parts ({@link RoleActivities}, {@link
 * PolicyActivities}, {@link InstanceProfileActivities}); their activity types are the same.
 */
@ActivityInterface
public interface IamActivities
    extends RoleActivities, PolicyActivities, InstanceProfileActivities {}
