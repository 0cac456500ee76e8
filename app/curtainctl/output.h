#pragma once

#include "core/action.h"
#include "core/history.h"
#include "core/release.h"

#include <QString>
#include <QStringList>

namespace Curtain::Ctl {

// Rows as columns padded to their widest cell, two spaces apart (the first row is the header).
QString table(const QList<QStringList> &rows);
QString releasesTable(const Core::ReleaseSnapshots &releases);

// One context's part of a fleet view: its releases, or why it could not be read.
struct ContextReleases
{
    QString context;
    Core::ReleaseSnapshots releases;
    QString error;
};
// Every release of every context, those needing attention first (unreachable, broken, down,
// degraded, progressing, canary), then by context and name.
QString fleetTable(const QList<ContextReleases> &fleet);
QString fleetJson(const QList<ContextReleases> &fleet);
QString releaseStatusText(const Core::ReleaseSnapshot &release);
QString releasesJson(const Core::ReleaseSnapshots &releases);
QString releaseJson(const Core::ReleaseSnapshot &release);
// {"contexts": [...], "current": "..."}: the kubeconfig's contexts, the demo's included.
QString contextsJson(const QStringList &contexts, const QString &current);
QString outcomeJson(const Core::ActionOutcome &outcome);
QString errorJson(const Core::Error &error);
// A release's history, newest first: when, who, what, the result, through what, and what changed.
QString historyTable(const Core::ReleaseHistory &history);
QString historyJson(const QString &release, const Core::ReleaseHistory &history, const QString &journalPath);

} // namespace Curtain::Ctl
