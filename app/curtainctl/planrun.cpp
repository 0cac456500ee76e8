#include "planrun.h"

#include "terminal.h"

#include "engine/planfile.h"
#include "engine/releasesource.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>

#include <cmath>
#include <limits>

namespace Curtain::Ctl {

namespace {

QJsonObject judgementJson(const Core::Judgement &j)
{
    QJsonArray metrics;
    for (const Core::MetricEvidence &m : j.metrics) {
        metrics.append(
            QJsonObject{{QStringLiteral("name"), m.name},
                        {QStringLiteral("verdict"), Core::verdictName(m.verdict)},
                        {QStringLiteral("candidateEvents"), m.candidateEvents},
                        {QStringLiteral("candidateRequests"), m.candidateRequests},
                        {QStringLiteral("stableEvents"), m.stableEvents},
                        {QStringLiteral("stableRequests"), m.stableRequests},
                        {QStringLiteral("ratio"), m.ratio ? QJsonValue(*m.ratio) : QJsonValue()},
                        {QStringLiteral("ratioLow"), m.ratioLow},
                        {QStringLiteral("ratioHigh"), std::isinf(m.ratioHigh) ? QJsonValue() : QJsonValue(m.ratioHigh)},
                        {QStringLiteral("logPassEvidence"), m.logPassEvidence},
                        {QStringLiteral("passLine"), m.passLine},
                        {QStringLiteral("secondsToDecision"),
                         m.secondsToDecision ? QJsonValue(*m.secondsToDecision) : QJsonValue()},
                        {QStringLiteral("logEvidence"), m.logEvidence},
                        {QStringLiteral("decisionLine"), m.decisionLine},
                        {QStringLiteral("detail"), m.detail}});
    }
    return {{QStringLiteral("verdict"), Core::verdictName(j.verdict)},
            {QStringLiteral("reason"), j.reason},
            {QStringLiteral("metrics"), metrics}};
}

// Reads a one-line secret file (a token, or user:password) without echoing it anywhere.
Core::Result<QByteArray> readSecret(const QString &path, const QString &flag)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Core::makeError(Core::ErrorKind::InvalidInput,
                               QStringLiteral("%1: cannot read %2: %3").arg(flag, path, file.errorString()));
    }
    return file.readAll().trimmed();
}

// `curtainctl run`: the same plan runner the console uses, headless, ending with the verdict.
} // namespace

int runPlan(Engine::ReleaseSource *engine, const Invocation &invocation, const Core::ReleaseSnapshots &releases)
{
    const Core::ReleaseSnapshot *release = nullptr;
    for (const Core::ReleaseSnapshot &r : releases) {
        if (r.name == invocation.release || r.namespaceName + QLatin1Char('/') + r.name == invocation.release) {
            release = &r;
        }
    }
    Core::Result<Core::Plan> plan = Core::classicPlan();
    if (!invocation.planFile.isEmpty()) {
        plan = Engine::loadPlanFile(invocation.planFile);
    } else if (release && !release->plan.isEmpty()) {
        plan = Engine::parsePlanText(release->plan.toUtf8(), QStringLiteral("the plan saved on %1").arg(release->name));
    }
    if (!plan.ok()) {
        return report(plan.error(), invocation.format);
    }
    Engine::PlanOptions options;
    options.identity =
        QStringLiteral("curtainctl@%1/%2").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid());
    options.headless = true;
    if (!invocation.prometheusTokenFile.isEmpty()) {
        const auto token = readSecret(invocation.prometheusTokenFile, QStringLiteral("--prometheus-token-file"));
        if (!token.ok()) {
            return report(token.error(), invocation.format);
        }
        options.prometheus.bearerToken = token.value();
    }
    if (!invocation.prometheusBasicAuthFile.isEmpty()) {
        const auto pair =
            readSecret(invocation.prometheusBasicAuthFile, QStringLiteral("--prometheus-basic-auth-file"));
        if (!pair.ok() || !pair.value().contains(':')) {
            return report(pair.ok() ? Core::makeError(Core::ErrorKind::InvalidInput,
                                                      QStringLiteral("--prometheus-basic-auth-file: the file must hold "
                                                                     "user:password on one line"))
                                    : pair.error(),
                          invocation.format);
        }
        options.prometheus.basicUser = QString::fromUtf8(pair.value().left(pair.value().indexOf(':')));
        options.prometheus.basicPassword = pair.value().mid(pair.value().indexOf(':') + 1);
    }
    // Progress as it happens: one line whenever the step, state or verdict changes.
    QString last;
    QObject context;
    QObject::connect(
        engine, &Engine::ReleaseSource::planUpdated, &context,
        [&last, &invocation](const QString &, const Core::PlanProgress &p, const Core::Judgement &j) {
            const QString step = p.step < p.plan.steps.size() ? QStringLiteral("step %1/%2 %3")
                                                                    .arg(p.step + 1)
                                                                    .arg(p.plan.steps.size())
                                                                    .arg(p.plan.steps.at(p.step).describe())
                                                              : QStringLiteral("after the last step");
            const QString line = QStringLiteral("%1 · %2 · %3: %4")
                                     .arg(step, Core::planStateName(p.state), Core::verdictName(j.verdict), j.reason);
            if (line != last && invocation.format == OutputFormat::Table) {
                writeErr(QStringLiteral("[%1] %2\n")
                             .arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")), line));
            }
            last = line;
        });
    Core::Judgement finalJudgement;
    QObject::connect(
        engine, &Engine::ReleaseSource::planUpdated, &context,
        [&finalJudgement](const QString &, const Core::PlanProgress &, const Core::Judgement &j) {
            finalJudgement = j;
        },
        Qt::QueuedConnection);
    const auto result = await(engine->runPlan(invocation.release, plan.value(), options),
                              std::numeric_limits<int>::max(), QStringLiteral("the plan"));
    QCoreApplication::processEvents(); // deliver the last progress update
    if (!result.ok()) {
        return report(result.error(), invocation.format);
    }
    const Core::PlanProgress &end = result.value();
    if (invocation.format == OutputFormat::Json) {
        QJsonObject out = end.toJson();
        out.remove(QStringLiteral("judge"));
        // As every action's object: "ok" as the exit code has it (only a promoted plan is), and
        // which release it was.
        out[QStringLiteral("ok")] = end.state == Core::PlanState::Promoted;
        out[QStringLiteral("release")] = release ? release->name : invocation.release;
        out[QStringLiteral("namespace")] = release ? release->namespaceName : invocation.namespaceName;
        out[QStringLiteral("judgement")] = judgementJson(finalJudgement);
        writeOut(QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Indented)));
    } else {
        writeOut(QStringLiteral("%1: %2\n").arg(invocation.release, end.outcome));
    }
    switch (end.state) {
    case Core::PlanState::Promoted:
        return Success;
    case Core::PlanState::Held:
        return Held;
    default:
        return ActionFailed;
    }
}

} // namespace Curtain::Ctl
