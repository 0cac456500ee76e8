#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace Curtain::Test {

// What a script sees of one curtainctl run.
struct CtlRun
{
    int exitCode = -1; // -1 when it crashed or did not finish
    QString out;
    QString err;
};

// Runs curtainctl (from CURTAIN_BIN_DIR) to the end, killing it after `timeoutMs`.
CtlRun runCurtainctl(const QStringList &arguments, int timeoutMs = 60'000);
// Starts curtainctl in the background (a plan driver a test kills or waits for).
void startCurtainctl(QProcess &process, const QStringList &arguments);
// Waits for a started curtainctl and collects what it printed.
CtlRun finishCurtainctl(QProcess &process, int timeoutMs = 60'000);

// A TCP port on 127.0.0.1 that nothing listens on right now.
int freePort();

} // namespace Curtain::Test
