// curtainctl: every console action, for scripts and pipelines. It runs the same engine as the GUI.

#include "commandline.h"
#include "fleetctl.h"
#include "inspect.h"
#include "migration.h"
#include "output.h"
#include "planrun.h"
#include "terminal.h"
#include "windowsteps.h"

#include "core/displaytext.h"
#include "engine/clusterselection.h"
#include "engine/journal.h"
#include "engine/planfile.h"
#include "engine/releaseengine.h"
#include "engine/session.h"
#include "kube/credentials.h"
#include "kube/inputfile.h"
#include "net/networkthread.h"
#include "sim/democluster.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace Curtain;
using Ctl::await;
using Ctl::clusterWaitMs;
using Ctl::report;
using Ctl::writeErr;
using Ctl::writeError;
using Ctl::writeOut;

namespace {

// The demo context: the built-in demo cluster, started in this process for as long as it is used.
Engine::ClusterHostFactory builtinDemo()
{
    return []() -> Core::Result<Engine::HostedCluster> {
        std::string error;
        std::shared_ptr<Sim::DemoCluster> demo = Sim::startBuiltinDemo(&error);
        if (!demo) {
            return Core::makeError(Core::ErrorKind::Unreachable, QString::fromStdString(error));
        }
        // The README's examples act on the demo's Argo updates at their pause, as the console shows
        // them: a command run the moment the demo starts would find them still progressing.
        demo->waitUntilSettled(std::chrono::seconds(10));
        return Engine::HostedCluster{QString::fromStdString(demo->url()), demo, {}};
    };
}

// The fleet view: every context read at once, all on one network thread.
int fleet(const Ctl::Invocation &invocation)
{
    struct Member
    {
        QString context;
        Engine::SessionPtr session;
        QString error;
    };
    const auto network = std::make_shared<Net::NetworkThread>();
    std::vector<Member> members;
    for (const QString &context : invocation.contexts) {
        Member member;
        member.context = context;
        Engine::SessionOptions options;
        options.startDemo = builtinDemo();
        options.network = network;
        options.requestTimeoutMs = invocation.requestTimeoutSeconds * 1000;
        options.syncRetryMs = invocation.syncTimeoutSeconds * 1000;
        options.reactionWaitMs = invocation.reactionTimeoutSeconds * 1000;
        auto opened = Engine::Session::openHere(
            {false, {}, invocation.kubeconfig, context, invocation.namespaceName, {}, {}}, options);
        if (opened.ok()) {
            member.session = std::move(opened).value();
            if (!member.session->warning().isEmpty()) {
                writeError(QStringLiteral("%1: %2").arg(context, member.session->warning()),
                           QStringLiteral("curtainctl: warning: "));
            }
            member.session->engine()->start();
        } else {
            member.error = opened.error().message;
        }
        members.push_back(std::move(member));
    }
    QList<Ctl::ContextReleases> fleet;
    bool unreachable = false;
    for (Member &member : members) {
        Ctl::ContextReleases part{member.context, {}, member.error};
        if (member.session) {
            const auto synced = await(member.session->engine()->whenSynced(), clusterWaitMs(member.session->engine()),
                                      QStringLiteral("reading %1").arg(member.context));
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
    members.clear(); // engines and connections first, then any demo cluster they used
    return unreachable ? Ctl::Unreachable : Ctl::Success;
}

// Whether the command line asks for JSON, read before it is known to parse: a usage error is
// then also a JSON object on stdout, as every other failure is for a script.
bool asksForJson(const QStringList &arguments)
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == QLatin1String("--output=json") || argument == QLatin1String("-ojson") ||
            ((argument == QLatin1String("-o") || argument == QLatin1String("--output")) &&
             arguments.value(i + 1) == QLatin1String("json"))) {
            return true;
        }
    }
    return false;
}

} // namespace

// The Events an action or a plan wrote are sent while the command reports; give them a moment to
// be answered before the process (and its connection) ends. They are best-effort: never an error.
void waitForAudit(Engine::ReleaseEngine *engine)
{
    const QFuture<Core::Done> settled = engine->auditSettled();
    QEventLoop loop;
    QFutureWatcher<Core::Done> watcher;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(5'000, &loop, &QEventLoop::quit);
    watcher.setFuture(settled);
    if (!settled.isFinished()) {
        loop.exec();
    }
}

int history(Engine::ReleaseEngine *engine, const Ctl::Invocation &invocation)
{
    const auto history =
        await(engine->history(invocation.release), clusterWaitMs(engine), QStringLiteral("reading the history"));
    if (!history.ok()) {
        return report(history.error(), invocation.format);
    }
    const Core::ReleaseHistory &found = history.value();
    if (!found.journalProblem.isEmpty()) {
        writeError(QStringLiteral("the journal %1 was tampered with or damaged: %2")
                       .arg(Engine::Journal::defaultPath(), found.journalProblem),
                   QStringLiteral("curtainctl: warning: "));
    }
    if (!found.clusterProblem.isEmpty()) {
        writeError(QStringLiteral("the cluster's Events could not be read (%1); showing this machine's journal only")
                       .arg(found.clusterProblem),
                   QStringLiteral("curtainctl: warning: "));
    }
    writeOut(invocation.format == Ctl::OutputFormat::Json
                 ? Ctl::historyJson(invocation.release, found, Engine::Journal::defaultPath())
                 : Ctl::historyTable(found));
    return Ctl::Success;
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("curtainctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CURTAIN_VERSION));

    QString usageError;
    const auto invocation = Ctl::parseCommandLine(app.arguments().mid(1), &usageError);
    if (!invocation) {
        writeError(usageError);
        writeErr(QStringLiteral("Run 'curtainctl --help' for usage.\n"));
        if (asksForJson(app.arguments().mid(1))) {
            writeOut(Ctl::errorJson(Core::makeError(Core::ErrorKind::InvalidInput, usageError)));
        }
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

    if (!invocation->haproxyConfig.isEmpty()) {
        return Ctl::onHAProxyFleet(*invocation);
    }

    if (invocation->command == Ctl::Command::Inspect) {
        QString out;
        QString error;
        const int code = Ctl::inspect(*invocation, &out, &error);
        if (code != Ctl::Success) {
            writeError(error);
        }
        writeOut(out);
        return code;
    }

    if (invocation->command == Ctl::Command::Migration && invocation->migrationCommand == QLatin1String("lint")) {
        QString out;
        const int code = Ctl::migrationLint(*invocation, &out);
        writeOut(out);
        return code;
    }
    if (invocation->command == Ctl::Command::Migration && invocation->migrationCommand == QLatin1String("rehearse") &&
        invocation->release.isEmpty()) {
        QString out;
        const auto code =
            Ctl::migrationRehearse(*invocation, &out, [](const QString &line) { writeErr(line + QLatin1Char('\n')); });
        if (!code.ok()) {
            return report(code.error(), invocation->format);
        }
        writeOut(out);
        return code.value();
    }
    if (invocation->command == Ctl::Command::Migration && invocation->release.isEmpty()) {
        const auto done = Ctl::migration(*invocation, [](const QString &line) { writeErr(line + QLatin1Char('\n')); });
        if (!done.ok()) {
            return report(done.error(), invocation->format);
        }
        writeOut(done.value());
        return Ctl::Success;
    }

    if (invocation->command == Ctl::Command::Contexts) {
        QString current;
        const auto contexts = Engine::availableContexts(invocation->kubeconfig, &current);
        if (!contexts.ok()) {
            return report(contexts.error(), invocation->format);
        }
        if (invocation->format == Ctl::OutputFormat::Json) {
            writeOut(Ctl::contextsJson(contexts.value(), current));
            return Ctl::Success;
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

    Engine::ClusterChoice choice{invocation->demo,
                                 invocation->server,
                                 invocation->kubeconfig,
                                 invocation->context,
                                 invocation->namespaceName,
                                 {},
                                 {}};
    Engine::SessionOptions options;
    options.startDemo = builtinDemo();
    options.requestTimeoutMs = invocation->requestTimeoutSeconds * 1000;
    options.syncRetryMs = invocation->syncTimeoutSeconds * 1000;
    options.reactionWaitMs = invocation->reactionTimeoutSeconds * 1000;
    auto opened = Engine::Session::openHere(choice, options);
    if (!opened.ok()) {
        return report(opened.error(), invocation->format);
    }

    int code = Ctl::Success;
    {
        const Engine::SessionPtr session = std::move(opened).value(); // closed at the end of this block
        if (!session->warning().isEmpty()) {
            writeError(session->warning(), QStringLiteral("curtainctl: warning: "));
        }
        Engine::ReleaseEngine *engine = session->engine();
        engine->start();
        // A report prints what the schema gate says: the release's database is read first.
        const bool reports =
            invocation->command == Ctl::Command::Status || invocation->command == Ctl::Command::Releases;
        const auto synced = await(reports ? engine->whenSyncedWithDatabases() : engine->whenSynced(),
                                  clusterWaitMs(engine), QStringLiteral("reading the cluster"));
        if (!synced.ok()) {
            code = report(synced.error(), invocation->format);
        } else if (invocation->command == Ctl::Command::Run) {
            code = runPlan(engine, *invocation, synced.value());
        } else if (invocation->command == Ctl::Command::Releases) {
            writeOut(invocation->format == Ctl::OutputFormat::Json ? Ctl::releasesJson(synced.value())
                                                                   : Ctl::releasesTable(synced.value()));
        } else if (invocation->command == Ctl::Command::History) {
            code = history(engine, *invocation);
        } else if (invocation->command == Ctl::Command::Migration) {
            code = Ctl::migrationOnRelease(engine, *invocation);
        } else if (invocation->command == Ctl::Command::Scale) {
            code = Ctl::scaleColor(engine, *invocation);
        } else if (invocation->scaleFirst) {
            code = Ctl::flipWhenReady(engine, *invocation);
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
                code = report(Core::noReleaseNamed(invocation->release, known, engine->cluster().namespaceName),
                              invocation->format);
            } else {
                writeOut(invocation->format == Ctl::OutputFormat::Json ? Ctl::releaseJson(*found)
                                                                       : Ctl::releaseStatusText(*found));
            }
        } else {
            // The engine answers within its own bounds (a write's timeout, then its read-backs, and
            // the writes sent again or the wait on a controller: a Flagger canary's is two analysis
            // intervals); this is only the last guard, and past it nobody knows whether the write landed.
            qint64 reactionMs = 0;
            for (const Core::ReleaseSnapshot &r : synced.value()) {
                if (r.name == invocation->release ||
                    r.namespaceName + QLatin1Char('/') + r.name == invocation->release) {
                    reactionMs = std::max(reactionMs, engine->actionWaitBoundMs(r));
                }
            }
            const int waitMs = clusterWaitMs(engine) + 15'000 + int(reactionMs);
            auto outcome =
                await(engine->perform(invocation->action), waitMs, Core::actionName(invocation->action.kind));
            if (!outcome.ok() && outcome.error().kind == Core::ErrorKind::Timeout &&
                outcome.error().message.contains(QLatin1String("took longer than"))) {
                outcome =
                    Core::makeError(Core::ErrorKind::NotConfirmed,
                                    QStringLiteral("%1 on %2: no verdict within %3 s; it may or may not have been "
                                                   "applied — look with `curtainctl status %2` before trying again")
                                        .arg(Core::actionName(invocation->action.kind), invocation->release)
                                        .arg(waitMs / 1000));
            }
            if (!outcome.ok()) {
                code = report(outcome.error(), invocation->format);
            } else {
                writeOut(invocation->format == Ctl::OutputFormat::Json ? Ctl::outcomeJson(outcome.value())
                                                                       : outcome.value().summary + QLatin1Char('\n'));
                code = outcome.value().confirmed ? code : int(Ctl::NotConfirmed);
            }
        }
        waitForAudit(engine);
    }
    return code;
}
