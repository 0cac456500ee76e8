#pragma once

#include "core/action.h"
#include "core/schemagate.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace Curtain::Ctl {

enum class Command { Contexts, Releases, Status, Action, Run, Inspect, History, Migration, Scale };
enum class OutputFormat { Table, Json };

struct Invocation
{
    bool demo = false;
    QString server;
    QString kubeconfig;
    QString context;      // the first --context
    QStringList contexts; // every --context: several make `releases` a fleet view
    QString namespaceName;
    QString haproxyConfig;        // --haproxy FILE: an HAProxy fleet file instead of a Kubernetes cluster
    QString fleet;                // --fleet NAME: which fleet of that file (needed when it has several)
    bool maintAfterDrain = false; // --maint: the HAProxy color left without traffic goes to maintenance once drained
    OutputFormat format = OutputFormat::Table;
    Command command = Command::Releases;
    QString release;
    Core::ActionRequest action;
    QStringList files;               // inspect: saved objects to read offline
    QString planFile;                // run: the plan to drive (default: the release's saved plan, else the classic one)
    QString prometheusTokenFile;     // run: bearer token for a Prometheus metrics source
    QString prometheusBasicAuthFile; // run: "user:password" for a Prometheus metrics source
    bool full = false;               // promote --full
    int revision = 0;                // undo --to-revision N
    // migration: status, start FILE, complete, rollback — on --database, in --schema.
    QString migrationCommand;
    QString database; // a libpq connection string or service name, without a password
    QString schema = QStringLiteral("public");
    int lockTimeoutMs = 500;
    int batchSize = 1000;
    int batchDelayMs = 0;
    bool assumeInTransaction = false; // migration lint: each file runs inside a transaction
    int sampleRows = 1000;            // migration rehearse: rows copied per table (enough to run the backfill)
    int soakSeconds = Core::SchemaRequest::defaultSoakSeconds; // migration complete --release: --soak
    // scale RELEASE COLOR REPLICAS [--after DURATION]
    Core::Color scaleColor = Core::Color::Blue;
    int scaleReplicas = 0;
    int afterSeconds = 0; // wait this long first (an idle color's delayed scale-down)
    // flip RELEASE --scale-first [--ready-timeout DURATION]: grow the smaller color, flip when ready
    bool scaleFirst = false;
    int readyTimeoutSeconds = 600;
    int requestTimeoutSeconds = 0;  // --request-timeout: one API request's bound; 0: 30 s reads, 15 s writes
    int reactionTimeoutSeconds = 0; // --reaction-timeout: how long a controller may take to react; 0: default
    int syncTimeoutSeconds = 0;     // --sync-timeout: retries of a failing server while syncing; 0: 20 s
    bool showHelp = false;
    bool showVersion = false;
};

// Exit codes, as scripts rely on them.
// README "Exit codes". NotConfirmed: a write was sent and the cluster has not shown it (no answer, a
// read-back that failed or disagrees, a controller that did not react) — look before acting again.
enum ExitCode { Success = 0, ActionFailed = 1, UsageError = 2, Unreachable = 3, Held = 4, NotConfirmed = 5 };

QString usageText();

// Parses argv (without the program name). On error, `error` names the argument and the fix.
std::optional<Invocation> parseCommandLine(const QStringList &arguments, QString *error);

} // namespace Curtain::Ctl
