#include "commandline.h"

#include "core/displaytext.h"
#include "kube/apinames.h"

namespace Curtain::Ctl {

QString usageText()
{
    return QStringLiteral(R"(Usage: curtainctl [CLUSTER] [-n NAMESPACE] [-o table|json] COMMAND

Drives blue-green and canary releases from scripts and pipelines, exactly as the Curtain console does.

Cluster (like kubectl: --kubeconfig, else KUBECONFIG, else ~/.kube/config, its current context):
  --context NAME      a kubeconfig context; "demo" is the built-in demo cluster. Repeat it with
                      `releases` for a fleet view: every context's releases, needing attention first
  --kubeconfig FILE   read exactly this kubeconfig file
  --demo              the built-in demo cluster, started in-process
  --server URL        a Kubernetes API server URL without kubeconfig, e.g. a running curtain-sim
  --haproxy FILE      an HAProxy fleet file instead (instances, their runtime sockets, releases;
                      see README "HAProxy fleets"); --fleet NAME picks one when it has several
  -n, --namespace NS  only releases in this namespace (default: the context's, else all namespaces)
  -o, --output FORMAT table (default) or json
  --request-timeout D how long one request to the API server waits for its answer (e.g. 5s, 1m;
                      default 30s for a read, 15s for a write, then read back to learn its outcome)
  --sync-timeout D    how long a busy or failing API server (5xx, 429, timeouts) is retried while
                      reading the releases before the command gives up with exit code 3 (default 20s)
  --reaction-timeout D how long an Argo Rollouts or Flagger action waits for its controller to react
                      before it exits 5, "sent, not confirmed" (default 10s for Argo, two analysis
                      intervals and 15s for Flagger, and never less than one interval and 15s)

Commands:
  contexts                 list the kubeconfig contexts (and demo); * marks the current one
  releases                 list every release: strategy, stable and candidate, weight, health
  status RELEASE           one release in detail, with what may be done to it now
  history RELEASE          who did what to the release, newest first: every action Curtain took
                           (this machine's journal) and the cluster's Events on its route and
                           workloads, Curtain's from every console and the controllers'
  set-weight RELEASE N     send N % of traffic (0–100) to the candidate (weighted routes only)
  promote RELEASE          the candidate becomes stable and takes 100 %
  flip RELEASE             all traffic to the other environment, in one write
      --scale-first         (promote or flip) when the color taking over is smaller: scale it to the
                           size of the one serving, wait until its pods are ready (--ready-timeout,
                           10m), then move
  rollback RELEASE         all traffic back to the last known-good environment (an Argo Rollout:
                           abort, then undo the template to the stable revision)
  scale RELEASE COLOR N    resize blue's or green's Deployment to N replicas (a flip needs the
                           color taking over to be as big as the one serving); a color with traffic
                           is never scaled down
      --after DURATION      wait first (30m, 1h): the idle color after a flip, scaled down once
                           instant rollback is no longer wanted; nothing happens if it has traffic
                           by then

Argo Rollouts (the same requests as kubectl argo rollouts; the controller moves the traffic):
  promote RELEASE [--full] end the current pause or skip the current step; --full: all steps at once
  abort RELEASE            traffic back to stable; the Rollout stays on the new template (Degraded)
  retry RELEASE            start an aborted update's steps again
  pause RELEASE            hold the Rollout where it is (spec.paused)
  resume RELEASE           end a pause made with `pause`
  restart RELEASE          restart the Rollout's pods (spec.restartAt)
  undo RELEASE [--to-revision N]  the pod template of revision N (default: the previous one)
  set-image RELEASE CONTAINER=IMAGE  start an update ("*" = every container)
  run RELEASE [--plan FILE] drive a canary plan headless until the judge decides: set weights, wait,
                           compare the candidate with stable, roll back on Fail, promote on Pass.
                           FILE is YAML or JSON (steps, judge, metrics); without it, the plan saved
                           on the release, else 5 % 15 min → checks → 25 % 15 min → checks → promote
      --prometheus-token-file FILE        bearer token for a Prometheus metrics source
      --prometheus-basic-auth-file FILE   "user:password" for a Prometheus metrics source

Flagger canaries (Flagger moves the traffic; Curtain opens its gates as the loadtester's API does):
  promote RELEASE          open the flagger-loadtester gate the canary waits at (confirm-rollout,
                           confirm-traffic-increase, confirm-promotion), and close it again once
                           Flagger has passed it: gates live in the loadtester's memory
  rollback RELEASE         fail the analysis now: the Canary's rollback gate, else status.failedChecks
                           raised to the threshold; Flagger routes everything to the primary
  suspend RELEASE          freeze the canary where it is (spec.suspend); resume RELEASE ends it
  close-gates RELEASE      close every loadtester gate the Canary names (/gate and /rollback),
                           whoever opened it: an open gate passes the next release unasked

  inspect FILE...          an Argo Rollout's status from saved objects (the Rollout with its
                           ReplicaSets and AnalysisRuns, YAML or JSON), as kubectl argo rollouts
                           get shows it; no cluster needed

Schema migrations (pgroll's file format, expand/contract, on PostgreSQL; no cluster needed):
  migration status         the schema's phase (none, expanded: both versions live, contracted), the
                           live version schemas, the active migration's backfill, and the history
  migration start FILE     expand: the new version's schema of views and the changes both versions
                           survive; backfills in batches with progress on standard error
  migration complete       contract: the old version's schema goes, the breaking changes are made
  migration rollback       undo a started migration; the database is as it was before start
      --release RELEASE     the release whose route names the database (curtain.dev/database): the
                           schema gate refuses a contract while a color on the old version has
                           traffic or pods, and a rollback while one on the new version has
      --database CONNINFO   or the database itself, without a gate: a libpq connection string or
                           service name ("service=orders",
                           "host=db dbname=orders user=app"); passwords only from ~/.pgpass or
                           PGPASSFILE, never in the string
      --schema NAME         the tables' schema (default public)
      --lock-timeout MS     how long one statement waits for a lock before it is retried (500)
      --batch-size ROWS     rows per backfill batch (1000); --batch-delay MS between batches (0)
  migration lint FILE...   what in SQL files (Flyway, golang-migrate, Rails, Django dumps) or pgroll
                           files breaks the version still serving or takes a long lock, each with
                           file:line, why, and the expand/contract way to write it; exit 1 when
                           there are findings, 2 when a file cannot be read or parsed
      --assume-in-transaction  the tool that runs the files wraps each in a transaction
  migration rehearse FILE  on a scratch copy of the database's schema (same server, dropped after):
                           start, both versions read, rollback (must leave the schema as it was),
                           start, complete — each step timed, with its lock retries; with
                           --release, the route's database, and the rehearsal goes in its history
      --rows N              rows copied per table from the live database (1000; 0: schema only)
      --soak DURATION       complete --release: the new version must have carried all traffic for
                           this long, since the flip (15m; 0 to skip)

RELEASE is a name, or NAMESPACE/NAME when the name exists in several namespaces.

Every action is recorded as an Event on the release's route (with the user the cluster names) and
in a hash-chained journal in the user's state directory ($CURTAIN_JOURNAL to choose another file).

Exit codes: 0 success (run: promoted), 1 action refused or failed (run: rolled back or stopped),
2 usage error (or a bad plan), 3 cluster unreachable, overloaded (5xx, 429) or authentication failed,
4 run: held until the plan's deadline without a decision, 5 sent, not confirmed: the write left and
its outcome is unknown (look with `curtainctl status` before acting again).
)");
}

namespace {

// Names go into URL paths: refuse what the API server would not accept before any request.
QString nameError(const Invocation &inv)
{
    const auto invalid = [](const QString &name, const QString &what, const QString &problem) {
        return QStringLiteral("\"%1\" is not a valid %2: %3").arg(Core::shown(name), what, problem);
    };
    if (!inv.namespaceName.isEmpty()) {
        if (const QString problem = Kube::namespaceProblem(inv.namespaceName); !problem.isEmpty()) {
            return invalid(inv.namespaceName, QStringLiteral("namespace"), problem);
        }
    }
    if (inv.release.isEmpty()) {
        return {};
    }
    // NAME, or NAMESPACE/NAME: anything else with a '/' fails as a release name.
    const qsizetype slash = inv.release.indexOf(QLatin1Char('/'));
    const bool qualified = slash > 0 && inv.release.indexOf(QLatin1Char('/'), slash + 1) < 0;
    const QString name = qualified ? inv.release.mid(slash + 1) : inv.release;
    if (qualified) {
        const QString namespaceName = inv.release.left(slash);
        if (const QString problem = Kube::namespaceProblem(namespaceName); !problem.isEmpty()) {
            return invalid(namespaceName, QStringLiteral("namespace"), problem);
        }
    }
    if (const QString problem = Kube::releaseNameProblem(name); !problem.isEmpty()) {
        return invalid(qualified ? name : inv.release, QStringLiteral("release name"), problem);
    }
    return {};
}

} // namespace

std::optional<Invocation> parseCommandLine(const QStringList &arguments, QString *error)
{
    Invocation inv;
    QStringList positional;
    QStringList seen; // options whose value was given, to refuse them where they mean nothing
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments[i];
        auto value = [&](const QString &flag) -> std::optional<QString> {
            if (i + 1 >= arguments.size()) {
                *error = QStringLiteral("%1 needs a value").arg(flag);
                return std::nullopt;
            }
            return arguments[++i];
        };
        if (arg == QLatin1String("-h") || arg == QLatin1String("--help") ||
            (arg == QLatin1String("help") && positional.isEmpty())) { // "curtainctl help", as git has it
            inv.showHelp = true;
        } else if (arg == QLatin1String("--version")) {
            inv.showVersion = true;
        } else if (arg == QLatin1String("--demo")) {
            inv.demo = true;
        } else if (arg == QLatin1String("--full")) {
            inv.full = true;
        } else if (arg == QLatin1String("--maint")) {
            inv.maintAfterDrain = true;
        } else if (arg == QLatin1String("--haproxy") || arg == QLatin1String("--fleet")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            (arg == QLatin1String("--haproxy") ? inv.haproxyConfig : inv.fleet) = *v;
        } else if (arg == QLatin1String("--to-revision")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            bool number = false;
            inv.revision = v->toInt(&number);
            if (!number || inv.revision < 1) {
                *error = QStringLiteral("--to-revision \"%1\" is not a revision number (1, 2, …; see `status`)")
                             .arg(Core::shown(*v));
                return std::nullopt;
            }
        } else if (arg == QLatin1String("--server")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            inv.server = *v;
        } else if (arg == QLatin1String("--kubeconfig")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            inv.kubeconfig = *v;
        } else if (arg == QLatin1String("--context")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            if (inv.context.isEmpty()) {
                inv.context = *v;
            }
            inv.contexts << *v;
        } else if (arg == QLatin1String("--plan") || arg == QLatin1String("--prometheus-token-file") ||
                   arg == QLatin1String("--prometheus-basic-auth-file")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            (arg == QLatin1String("--plan")                    ? inv.planFile
             : arg == QLatin1String("--prometheus-token-file") ? inv.prometheusTokenFile
                                                               : inv.prometheusBasicAuthFile) = *v;
        } else if (arg == QLatin1String("--database") || arg == QLatin1String("--schema") ||
                   arg == QLatin1String("--release")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            (arg == QLatin1String("--database") ? inv.database
             : arg == QLatin1String("--schema") ? inv.schema
                                                : inv.release) = *v;
            seen << arg;
        } else if (arg == QLatin1String("--lock-timeout") || arg == QLatin1String("--batch-size") ||
                   arg == QLatin1String("--batch-delay")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            bool number = false;
            const int n = v->toInt(&number);
            const bool size = arg == QLatin1String("--batch-size");
            if (!number || n < (size ? 1 : 0) || n > (size ? 1'000'000 : 3'600'000)) {
                *error = QStringLiteral("%1 \"%2\" is not %3")
                             .arg(arg, Core::shown(*v),
                                  size ? QStringLiteral("a row count from 1 to 1000000")
                                       : QStringLiteral("a number of milliseconds from 0 to 3600000"));
                return std::nullopt;
            }
            (arg == QLatin1String("--lock-timeout") ? inv.lockTimeoutMs : size ? inv.batchSize : inv.batchDelayMs) = n;
        } else if (arg == QLatin1String("--rows")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            bool number = false;
            inv.sampleRows = v->toInt(&number);
            if (!number || inv.sampleRows < 0 || inv.sampleRows > 10'000'000) {
                *error = QStringLiteral("--rows \"%1\" is not a row count from 0 to 10000000").arg(Core::shown(*v));
                return std::nullopt;
            }
        } else if (arg == QLatin1String("--soak") || arg == QLatin1String("--after") ||
                   arg == QLatin1String("--ready-timeout") || arg == QLatin1String("--request-timeout") ||
                   arg == QLatin1String("--sync-timeout") || arg == QLatin1String("--reaction-timeout")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            const std::optional<int> seconds = Core::parseDuration(*v);
            constexpr int week = 7 * 24 * 3600; // a bound that keeps every timer in range
            if (!seconds || *seconds > week) {
                *error = QStringLiteral("%1 \"%2\" is not a duration up to a week; write it as 30m, 90s, 1h or "
                                        "1h30m")
                             .arg(arg, Core::shown(*v));
                return std::nullopt;
            }
            if ((arg == QLatin1String("--request-timeout") || arg == QLatin1String("--sync-timeout") ||
                 arg == QLatin1String("--reaction-timeout")) &&
                (*seconds < 1 || *seconds > 3600)) {
                *error = QStringLiteral("%1 \"%2\" must be from 1s to 1h").arg(arg, Core::shown(*v));
                return std::nullopt;
            }
            (arg == QLatin1String("--soak")               ? inv.soakSeconds
             : arg == QLatin1String("--after")            ? inv.afterSeconds
             : arg == QLatin1String("--request-timeout")  ? inv.requestTimeoutSeconds
             : arg == QLatin1String("--sync-timeout")     ? inv.syncTimeoutSeconds
             : arg == QLatin1String("--reaction-timeout") ? inv.reactionTimeoutSeconds
                                                          : inv.readyTimeoutSeconds) = *seconds;
            seen << arg;
        } else if (arg == QLatin1String("--scale-first")) {
            inv.scaleFirst = true;
        } else if (arg == QLatin1String("--assume-in-transaction")) {
            inv.assumeInTransaction = true;
        } else if (arg == QLatin1String("-n") || arg == QLatin1String("--namespace")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            inv.namespaceName = *v;
        } else if (arg == QLatin1String("-o") || arg == QLatin1String("--output")) {
            const auto v = value(arg);
            if (!v) {
                return std::nullopt;
            }
            if (*v == QLatin1String("json")) {
                inv.format = OutputFormat::Json;
            } else if (*v == QLatin1String("table")) {
                inv.format = OutputFormat::Table;
            } else {
                *error = QStringLiteral("output format \"%1\" is not one of: table, json").arg(Core::shown(*v));
                return std::nullopt;
            }
        } else if (arg.startsWith(QLatin1Char('-')) && arg.size() > 1 && !(arg.size() > 1 && arg[1].isDigit())) {
            *error = QStringLiteral("unknown option \"%1\"").arg(Core::shown(arg));
            return std::nullopt;
        } else {
            positional << arg;
        }
    }
    if (inv.showHelp || inv.showVersion) {
        return inv;
    }
    if (inv.demo && !inv.server.isEmpty()) {
        *error = QStringLiteral("give either --demo or --server, not both");
        return std::nullopt;
    }
    if (!inv.haproxyConfig.isEmpty() && (inv.demo || !inv.server.isEmpty() || !inv.contexts.isEmpty() ||
                                         !inv.kubeconfig.isEmpty() || !inv.namespaceName.isEmpty())) {
        *error = QStringLiteral("--haproxy opens an HAProxy fleet: give it without --demo, --server, --context, "
                                "--kubeconfig or -n");
        return std::nullopt;
    }
    if (inv.haproxyConfig.isEmpty() && (!inv.fleet.isEmpty() || inv.maintAfterDrain)) {
        *error = QStringLiteral("--fleet and --maint work on an HAProxy fleet: add --haproxy FILE");
        return std::nullopt;
    }
    if (positional.isEmpty()) {
        *error = QStringLiteral("no command given");
        return std::nullopt;
    }
    if (inv.contexts.size() > 1 && positional.front() != QLatin1String("releases")) {
        *error = QStringLiteral("several --context options work only with releases (the fleet view)");
        return std::nullopt;
    }
    const QString command = positional.takeFirst();
    auto needs = [&](qsizetype count, const QString &shape) {
        if (positional.size() != count) {
            *error = QStringLiteral("usage: curtainctl %1 %2").arg(command, shape);
            return false;
        }
        return true;
    };
    if (command == QLatin1String("contexts")) {
        if (!needs(0, QString())) {
            return std::nullopt;
        }
        inv.command = Command::Contexts;
    } else if (command == QLatin1String("releases")) {
        if (!needs(0, QString())) {
            return std::nullopt;
        }
        inv.command = Command::Releases;
    } else if (command == QLatin1String("inspect")) {
        if (positional.isEmpty()) {
            *error =
                QStringLiteral("usage: curtainctl inspect FILE... (a Rollout with its ReplicaSets and AnalysisRuns)");
            return std::nullopt;
        }
        inv.command = Command::Inspect;
        inv.files = positional;
    } else if (command == QLatin1String("migration")) {
        const QString sub = positional.isEmpty() ? QString() : positional.takeFirst();
        if (sub == QLatin1String("lint")) {
            if (positional.isEmpty()) {
                *error = QStringLiteral("usage: curtainctl migration lint FILE... [--assume-in-transaction] [-o json] "
                                        "(SQL files, or pgroll files: .yaml, .yml, .json)");
                return std::nullopt;
            }
            inv.command = Command::Migration;
            inv.migrationCommand = sub;
            inv.files = positional;
        } else if (sub == QLatin1String("rehearse")) {
            if (positional.size() != 1 || inv.database.isEmpty() == inv.release.isEmpty()) {
                *error = QStringLiteral("usage: curtainctl migration rehearse FILE --release RELEASE | --database "
                                        "CONNINFO [--rows N] [--schema NAME] (a scratch copy of that database's "
                                        "schema is made on its server, and dropped after)");
                return std::nullopt;
            }
            inv.command = Command::Migration;
            inv.migrationCommand = sub;
            inv.files = positional;
        } else {
            const bool withFile = sub == QLatin1String("start");
            if ((sub != QLatin1String("status") && sub != QLatin1String("start") && sub != QLatin1String("complete") &&
                 sub != QLatin1String("rollback")) ||
                positional.size() != (withFile ? 1 : 0)) {
                *error = QStringLiteral("usage: curtainctl migration status|start FILE|complete|rollback|rehearse "
                                        "FILE --release RELEASE | --database CONNINFO [--schema NAME], or migration "
                                        "lint FILE...");
                return std::nullopt;
            }
            if (inv.database.isEmpty() == inv.release.isEmpty()) {
                *error = QStringLiteral("migration %1 needs --release RELEASE (its route names the database, and the "
                                        "schema gate checks what each color uses) or --database CONNINFO (a libpq "
                                        "connection string or service name, e.g. \"service=orders\"; no gate)")
                             .arg(sub);
                return std::nullopt;
            }
            inv.command = Command::Migration;
            inv.migrationCommand = sub;
            inv.files = positional;
        }
    } else if (command == QLatin1String("scale")) {
        if (!needs(3, QStringLiteral("RELEASE blue|green REPLICAS"))) {
            return std::nullopt;
        }
        bool number = false;
        inv.scaleReplicas = positional[2].toInt(&number);
        if (positional[1] != QLatin1String("blue") && positional[1] != QLatin1String("green")) {
            *error = QStringLiteral("scale: \"%1\" is not a color; give blue or green").arg(Core::shown(positional[1]));
            return std::nullopt;
        }
        if (!number || inv.scaleReplicas < 0 || inv.scaleReplicas > 10'000) {
            *error =
                QStringLiteral("scale: \"%1\" is not a replica count from 0 to 10000").arg(Core::shown(positional[2]));
            return std::nullopt;
        }
        inv.command = Command::Scale;
        inv.release = positional[0];
        inv.scaleColor = positional[1] == QLatin1String("blue") ? Core::Color::Blue : Core::Color::Green;
    } else if (command == QLatin1String("run")) {
        if (!needs(1, QStringLiteral("RELEASE [--plan FILE]"))) {
            return std::nullopt;
        }
        inv.command = Command::Run;
        inv.release = positional[0];
    } else if (command == QLatin1String("status")) {
        if (!needs(1, QStringLiteral("RELEASE"))) {
            return std::nullopt;
        }
        inv.command = Command::Status;
        inv.release = positional[0];
    } else if (command == QLatin1String("history")) {
        if (!needs(1, QStringLiteral("RELEASE"))) {
            return std::nullopt;
        }
        inv.command = Command::History;
        inv.release = positional[0];
    } else if (command == QLatin1String("set-weight")) {
        if (!needs(2, QStringLiteral("RELEASE N"))) {
            return std::nullopt;
        }
        const auto weight = Core::parseWeight(positional[1]);
        if (!weight.ok()) {
            *error = weight.error().message;
            return std::nullopt;
        }
        inv.command = Command::Action;
        inv.release = positional[0];
        inv.action = {Core::ActionKind::SetWeight, positional[0], weight.value(), {}};
    } else if (command == QLatin1String("set-image")) {
        if (!needs(2, QStringLiteral("RELEASE CONTAINER=IMAGE"))) {
            return std::nullopt;
        }
        // The shape is checked here, before the cluster is asked anything: a bad argument is a
        // usage error (exit 2) whatever state the release is in.
        const qsizetype eq = positional[1].indexOf(QLatin1Char('='));
        if (eq <= 0 || eq == positional[1].size() - 1) {
            *error = QStringLiteral("set-image needs CONTAINER=IMAGE (e.g. payments=registry/payments:v2, or *=IMAGE "
                                    "for every container), not \"%1\"")
                         .arg(positional[1]);
            return std::nullopt;
        }
        inv.command = Command::Action;
        inv.release = positional[0];
        inv.action = {Core::ActionKind::SetImage, positional[0], 0, {}};
        inv.action.image = positional[1];
    } else if (const auto kind = Core::parseActionName(command); kind && *kind != Core::ActionKind::SetWeight) {
        if (!needs(1, QStringLiteral("RELEASE"))) {
            return std::nullopt;
        }
        inv.command = Command::Action;
        inv.release = positional[0];
        inv.action = {*kind, positional[0], 0, {}};
        if (inv.full && *kind == Core::ActionKind::Promote) {
            inv.action.kind = Core::ActionKind::PromoteFull;
        }
        inv.action.revision = inv.revision;
    } else {
        *error = QStringLiteral(
                     "unknown command \"%1\"; commands: contexts, releases, status, history, set-weight, promote, "
                     "flip, rollback, run, inspect, abort, retry, pause, suspend, resume, close-gates, restart, undo, "
                     "set-image, scale, migration")
                     .arg(Core::shown(command));
        return std::nullopt;
    }
    if (inv.full && inv.action.kind != Core::ActionKind::PromoteFull) {
        *error = QStringLiteral("--full goes with promote only");
        return std::nullopt;
    }
    if (inv.revision != 0 && inv.action.kind != Core::ActionKind::Undo) {
        *error = QStringLiteral("--to-revision goes with undo only");
        return std::nullopt;
    }
    // The moves that send all traffic at once, and so may grow the color taking over first.
    const bool flip = inv.command == Command::Action &&
                      (inv.action.kind == Core::ActionKind::Flip || inv.action.kind == Core::ActionKind::Promote);
    if (seen.contains(QStringLiteral("--soak")) &&
        !(inv.command == Command::Migration && inv.migrationCommand == QLatin1String("complete") &&
          !inv.release.isEmpty())) {
        *error = QStringLiteral("--soak goes with migration complete --release only (with --database there is no "
                                "gate, and no flip to count from)");
        return std::nullopt;
    }
    if (seen.contains(QStringLiteral("--ready-timeout")) && inv.readyTimeoutSeconds < 1) {
        *error = QStringLiteral("--ready-timeout must be at least 1s");
        return std::nullopt;
    }
    if (seen.contains(QStringLiteral("--schema")) && inv.command == Command::Migration && !inv.release.isEmpty()) {
        *error = QStringLiteral("--schema goes with --database; with --release the route names the schema "
                                "(curtain.dev/database-schema)");
        return std::nullopt;
    }
    if (seen.contains(QStringLiteral("--after")) && inv.command != Command::Scale) {
        *error = QStringLiteral("--after goes with scale only");
        return std::nullopt;
    }
    if ((inv.scaleFirst || seen.contains(QStringLiteral("--ready-timeout"))) && !flip) {
        *error = QStringLiteral("--scale-first and --ready-timeout go with flip and promote only");
        return std::nullopt;
    }
    if (seen.contains(QStringLiteral("--ready-timeout")) && !inv.scaleFirst) {
        *error = QStringLiteral("--ready-timeout goes with --scale-first (flip or promote)");
        return std::nullopt;
    }
    if (const QString problem = nameError(inv); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return inv;
}

} // namespace Curtain::Ctl
