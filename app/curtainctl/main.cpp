// curtainctl: every console action, for scripts and pipelines. It runs the same engine as the GUI.

#include "commandline.h"
#include "output.h"

#include "engine/clusterselection.h"
#include "engine/releaseengine.h"
#include "net/networkthread.h"
#include "sim/democluster.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFutureWatcher>
#include <QTimer>

#include <cstdio>

using namespace Curtain;

namespace {

void writeOut(const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stdout);
    std::fflush(stdout);
}

void writeErr(const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stderr);
}

// Waits for a future on this (otherwise idle) thread, but never forever.
template <typename T>
Core::Result<T> await(QFuture<Core::Result<T>> future, int timeoutMs, const QString &what)
{
    QEventLoop loop;
    QFutureWatcher<Core::Result<T>> watcher;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    watcher.setFuture(future);
    if (!future.isFinished()) {
        loop.exec();
    }
    if (!future.isFinished() || future.resultCount() == 0) {
        return Core::makeError(Core::ErrorKind::Timeout,
                               QStringLiteral("%1 took longer than %2 s; the cluster may be overloaded or unreachable")
                                   .arg(what)
                                   .arg(timeoutMs / 1000));
    }
    return future.result();
}

int exitCodeFor(const Core::Error &error)
{
    switch (error.kind) {
    case Core::ErrorKind::Unreachable:
    case Core::ErrorKind::Unauthorized:
    case Core::ErrorKind::Timeout:
        return Ctl::Unreachable;
    case Core::ErrorKind::InvalidInput:
        return Ctl::UsageError;
    default:
        return Ctl::ActionFailed;
    }
}

int report(const Core::Error &error, Ctl::OutputFormat format)
{
    if (format == Ctl::OutputFormat::Json) {
        writeOut(Ctl::errorJson(error));
    }
    writeErr(QStringLiteral("curtainctl: %1\n").arg(error.message));
    return exitCodeFor(error);
}

// The fleet view: every context read at once, each on its own network thread.
int fleet(const Ctl::Invocation &invocation)
{
    struct Member
    {
        QString context;
        std::unique_ptr<Sim::DemoCluster> demo;
        std::unique_ptr<Net::NetworkThread> network;
        Engine::ReleaseEngine *engine = nullptr;
        QString error;
    };
    std::vector<Member> members;
    for (const QString &context : invocation.contexts) {
        Member member;
        member.context = context;
        const auto selected =
            Engine::selectCluster({false, {}, invocation.kubeconfig, context, invocation.namespaceName}, false);
        if (!selected.ok()) {
            member.error = selected.error().message;
            members.push_back(std::move(member));
            continue;
        }
        Core::ClusterEndpoint endpoint = selected.value().endpoint;
        if (selected.value().demo) {
            std::string error;
            member.demo = Sim::startBuiltinDemo(&error);
            endpoint.server = QString::fromStdString(member.demo ? member.demo->url() : std::string());
        }
        member.network = std::make_unique<Net::NetworkThread>();
        member.engine = new Engine::ReleaseEngine(member.network->http(), endpoint);
        member.network->adopt(member.engine);
        member.engine->start();
        members.push_back(std::move(member));
    }
    QList<Ctl::ContextReleases> fleet;
    bool unreachable = false;
    for (Member &member : members) {
        Ctl::ContextReleases part{member.context, {}, member.error};
        if (member.engine) {
            const auto synced =
                await(member.engine->whenSynced(), 30'000, QStringLiteral("reading %1").arg(member.context));
            if (synced.ok()) {
                part.releases = synced.value();
            } else {
                part.error = synced.error().message;
            }
        }
        unreachable = unreachable || !part.error.isEmpty();
        fleet.append(part);
    }
    writeOut(invocation.format == Ctl::OutputFormat::Json ? Ctl::fleetJson(fleet) : Ctl::fleetTable(fleet));
    for (Member &member : members) {
        member.network.reset(); // engines and connections first, then any demo cluster they used
        member.demo.reset();
    }
    return unreachable ? Ctl::Unreachable : Ctl::Success;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("curtainctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CURTAIN_VERSION));

    QString usageError;
    const auto invocation = Ctl::parseCommandLine(app.arguments().mid(1), &usageError);
    if (!invocation) {
        writeErr(QStringLiteral("curtainctl: %1\nRun 'curtainctl --help' for usage.\n").arg(usageError));
        return Ctl::UsageError;
    }
    if (invocation->showHelp) {
        writeOut(Ctl::usageText());
        return Ctl::Success;
    }
    if (invocation->showVersion) {
        writeOut(QStringLiteral("curtainctl %1\n").arg(QStringLiteral(CURTAIN_VERSION)));
        return Ctl::Success;
    }

    if (invocation->command == Ctl::Command::Contexts) {
        QString current;
        const auto contexts = Engine::availableContexts(invocation->kubeconfig, &current);
        if (!contexts.ok()) {
            return report(contexts.error(), invocation->format);
        }
        QString out;
        for (const QString &name : contexts.value()) {
            out += (name == current ? QStringLiteral("* ") : QStringLiteral("  ")) + name + QLatin1Char('\n');
        }
        writeOut(out);
        return Ctl::Success;
    }

    if (invocation->contexts.size() > 1) {
        return fleet(*invocation);
    }

    Engine::ClusterChoice choice{invocation->demo, invocation->server, invocation->kubeconfig, invocation->context,
                                 invocation->namespaceName};
    const auto selected = Engine::selectCluster(choice, false);
    if (!selected.ok()) {
        return report(selected.error(), invocation->format);
    }
    Core::ClusterEndpoint endpoint = selected.value().endpoint;
    std::unique_ptr<Sim::DemoCluster> demo;
    if (selected.value().demo) {
        std::string error;
        demo = Sim::startBuiltinDemo(&error);
        if (!demo) {
            return report(Core::makeError(Core::ErrorKind::Unreachable, QString::fromStdString(error)),
                          invocation->format);
        }
        endpoint.server = QString::fromStdString(demo->url());
    }

    int code = Ctl::Success;
    {
        Net::NetworkThread network;
        auto *engine = new Engine::ReleaseEngine(network.http(), endpoint);
        network.adopt(engine);
        engine->start();
        const auto synced = await(engine->whenSynced(), 30'000, QStringLiteral("reading the cluster"));
        if (!synced.ok()) {
            code = report(synced.error(), invocation->format);
        } else if (invocation->command == Ctl::Command::Releases) {
            writeOut(invocation->format == Ctl::OutputFormat::Json ? Ctl::releasesJson(synced.value())
                                                                   : Ctl::releasesTable(synced.value()));
        } else if (invocation->command == Ctl::Command::Status) {
            // Resolve the name the same way actions do, so errors read the same.
            const Core::ReleaseSnapshot *found = nullptr;
            QStringList known;
            for (const Core::ReleaseSnapshot &r : synced.value()) {
                known << r.name;
                if (r.name == invocation->release ||
                    r.namespaceName + QLatin1Char('/') + r.name == invocation->release) {
                    found = &r;
                }
            }
            if (!found) {
                code = report(Core::makeError(Core::ErrorKind::NotFound,
                                              QStringLiteral("no release named \"%1\"; known releases: %2")
                                                  .arg(invocation->release, known.join(QStringLiteral(", ")))),
                              invocation->format);
            } else {
                writeOut(invocation->format == Ctl::OutputFormat::Json ? Ctl::releaseJson(*found)
                                                                       : Ctl::releaseStatusText(*found));
            }
        } else {
            const auto outcome =
                await(engine->perform(invocation->action), 30'000, Core::actionName(invocation->action.kind));
            if (!outcome.ok()) {
                code = report(outcome.error(), invocation->format);
            } else {
                writeOut(invocation->format == Ctl::OutputFormat::Json ? Ctl::outcomeJson(outcome.value())
                                                                       : outcome.value().summary + QLatin1Char('\n'));
            }
        }
    }
    return code;
}
