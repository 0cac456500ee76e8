#include "terminal.h"

#include "output.h"

#include "core/displaytext.h"
#include "engine/releaseengine.h"
#include "kube/credentials.h"

#include <cstdio>

namespace Curtain::Ctl {

namespace {

// Output carries names and messages from the cluster and from files: no control character in
// them reaches the terminal raw (tables and JSON keep their own line breaks).
QString printableLines(const QString &text)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    for (QString &line : lines) {
        line = Core::withoutControlCharacters(line);
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

void writeOut(const QString &text)
{
    std::fputs(printableLines(text).toLocal8Bit().constData(), stdout);
    std::fflush(stdout);
}

void writeErr(const QString &text)
{
    std::fputs(printableLines(text).toLocal8Bit().constData(), stderr);
}

// One message on one line, however long or strange its parts: the values in it are shortened
// where they are put in; this bounds the whole.
void writeError(const QString &message, const QString &prefix)
{
    writeErr(prefix + Core::shown(message, 4000) + QLatin1Char('\n'));
}

// How long to wait on the cluster: 30 s, plus the time an exec plugin may take to give the
// credential first, so that a hung plugin is reported as one, not as an overloaded cluster.
int clusterWaitMs(const Engine::ReleaseEngine *engine)
{
    return 30'000 + (engine->cluster().execCredential ? Kube::Credentials::pluginTimeoutMs() : 0);
}

int exitCodeFor(const Core::Error &error)
{
    switch (error.kind) {
    case Core::ErrorKind::Unreachable:
    case Core::ErrorKind::Unauthorized:
    case Core::ErrorKind::Timeout:
        return Unreachable;
    case Core::ErrorKind::InvalidInput:
        return UsageError;
    case Core::ErrorKind::NotConfirmed:
        return NotConfirmed;
    case Core::ErrorKind::Server: // an overloaded or failing server is not the action's fault
        return error.httpStatus >= 500 || error.httpStatus == 429 ? Unreachable : ActionFailed;
    default:
        return ActionFailed;
    }
}

int report(const Core::Error &error, OutputFormat format)
{
    if (format == OutputFormat::Json) {
        writeOut(errorJson(error));
    }
    writeError(error.message);
    return exitCodeFor(error);
}

} // namespace Curtain::Ctl
