#pragma once

#include "core/action.h"
#include "core/release.h"

#include <QString>

namespace Curtain::Ctl {

QString releasesTable(const Core::ReleaseSnapshots &releases);
QString releaseStatusText(const Core::ReleaseSnapshot &release);
QString releasesJson(const Core::ReleaseSnapshots &releases);
QString releaseJson(const Core::ReleaseSnapshot &release);
QString outcomeJson(const Core::ActionOutcome &outcome);
QString errorJson(const Core::Error &error);

} // namespace Curtain::Ctl
