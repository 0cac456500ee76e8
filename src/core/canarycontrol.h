#pragma once

#include "core/release.h"

// What a person may do with a Flagger Canary now. Flagger moves the weights itself; a person can
// open the manual gate that waits now (Promote), fail the analysis (Rollback: the rollback gate
// when the Canary has one, else status.failedChecks raised to the threshold, as Flagger's
// maintainers advise), and freeze it (Pause and Resume set spec.suspend).
namespace Curtain::Core {

Capabilities canaryCapabilities(const ReleaseSnapshot &release);

// How Rollback fails this canary, in words for the button, the confirmation and the CLI.
QString canaryRollbackMethod(const CanaryStatus &canary);

// Said wherever a promoted canary is shown: Flagger has no way back but a new release.
QString flaggerPromotedNote();

} // namespace Curtain::Core
