#pragma once

#include "core/release.h"

#include <QDateTime>
#include <QHash>
#include <QStringList>

// What the console remembers between runs, through QSettings (on Linux ~/.config/Curtain/Curtain.conf).
// The file is read once, at the first question; after that reads and changes are in memory, and
// changes are written on a thread of their own, never the GUI thread's.
namespace Curtain::Ui::Settings {

// Waits until every change made so far is written. Before QApplication ends (the window manager
// and the main window do it), and before reading the file by other means (tests).
void flush();
// Reads the file again at the next question: after something else changed it (a test, another
// program).
void reload();
// Forgets everything remembered, in memory and in the file (before it returns): every setting is
// its default again.
void clear();

// safety/protectedContexts: wildcard patterns ("*prod*", "arn:*:cluster/live-*") of kubeconfig
// contexts where moving traffic towards an unproven version needs the release's name typed.
// Default "*prod*"; an empty list protects none.
QStringList protectedContexts();

// history/acknowledgedRollbacks: the automatic rollbacks a person has acknowledged in `context`,
// each known by its plan's start (the most recent 200 are kept). Several consoles share the list:
// an acknowledgement merges into what the file holds when it is written.
QHash<Core::ReleaseKey, QDateTime> acknowledgedRollbacks(const QString &context);
void acknowledgeRollback(const QString &context, const Core::ReleaseKey &release, const QDateTime &planStartedAt);

// window/geometry, window/splitter, window/release: how the main window was left when it was
// closed, and the release it showed ("namespace/name").
struct WindowLayout
{
    QByteArray geometry;
    QByteArray splitter;
    QString release;
};
WindowLayout windowLayout();
void setWindowLayout(const WindowLayout &layout);

// session/context, session/namespace: the kubeconfig context and namespace the console last showed
// (the namespace empty for the context's own, or all), to start on them again.
struct LastSession
{
    QString context;
    QString namespaceName;
};
LastSession lastSession();
void setLastSession(const LastSession &session);

// migrations/soakMinutes: how long the new version must carry all traffic before Contract
// (default Core::SchemaRequest::defaultSoakSeconds); migrations/scaleDownMinutes: the delay offered
// before an idle color is scaled down after a flip (default 30).
int soakMinutes();
void setSoakMinutes(int minutes);
int scaleDownMinutes();
void setScaleDownMinutes(int minutes);

} // namespace Curtain::Ui::Settings
