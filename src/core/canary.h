#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

// A Flagger Canary (flagger.app/v1beta1) as Flagger writes its status, and what a person can do
// with it. Flagger owns the weights; Curtain opens the manual gates of the flagger-loadtester the
// Canary's webhooks name, or raises status.failedChecks, the ways Flagger itself supports.
namespace Curtain::Core {

// A webhook of the Canary that is a flagger-loadtester gate (its URL's path is /gate/check,
// /gate/halt, /gate/approve or /rollback/check): where Curtain can open or close it.
struct CanaryGate
{
    QString type;             // confirm-rollout, confirm-traffic-increase, confirm-promotion, rollback
    QString name;             // the webhook's name
    QString url;              // as written in the Canary
    QString serviceNamespace; // the loadtester Service the URL's host names (service.namespace[.svc…])
    QString serviceName;
    QString servicePort; // the port in the URL, empty for the default (http)
    QString path;        // /gate/check, /rollback/check, …

    // A gate a person opens and closes (/gate/check, /rollback/check); /gate/approve and /gate/halt
    // are fixed answers.
    bool isManual() const { return path == QLatin1String("/gate/check") || path == QLatin1String("/rollback/check"); }
};

struct CanaryStatus
{
    QString name;
    QString namespaceName;
    QString target;  // spec.targetRef.name: the candidate Deployment
    QString primary; // <target>-primary, which Flagger generates: the stable one
    QString phase;   // status.phase; empty before Flagger has seen the Canary
    int canaryWeight = 0;
    int failedChecks = 0;
    int iterations = 0;         // -1 is what Flagger writes while a stepWeight canary waits for promotion
    int threshold = 0;          // analysis.threshold
    int maxWeight = 0;          // analysis.maxWeight
    int stepWeight = 0;         // analysis.stepWeight
    QList<int> stepWeights;     // analysis.stepWeights
    int analysisIterations = 0; // analysis.iterations: blue-green (or A/B) when given without steps
    QString interval;           // analysis.interval, as written ("1m")
    bool suspended = false;     // spec.suspend
    bool skipAnalysis = false;  // spec.skipAnalysis
    QString promoted;           // the Promoted condition's status: True, False, Unknown or empty
    QString promotedMessage;    // and its message ("Canary analysis completed successfully, promotion finished.")
    QString lastAppliedSpec;
    QString lastPromotedSpec;
    QDateTime lastTransitionTime;
    QList<CanaryGate> gates;

    // analysis.interval in milliseconds (a Go duration: "1m", "15s", "1m30s"); Flagger's 1m when
    // absent or unreadable.
    qint64 intervalMs() const;
    bool blueGreen() const { return analysisIterations > 0 && stepWeight == 0 && stepWeights.isEmpty(); }
    // The candidate's share of traffic. status.canaryWeight is it while Flagger steps; from
    // WaitingPromotion on Flagger writes 0 there while its route still holds the last step (all of
    // it once a blue-green promotes), until Finalising routes everything to the primary.
    int routedWeight() const;
    // Set when routedWeight() is not status.canaryWeight: why, for the one who compares.
    QString weightNote() const;
    // Between "new revision detected" and the end of the promotion: the canary has pods and may
    // have traffic.
    bool inFlight() const;
    // While Flagger still runs its analysis and honours the rollback gate and failedChecks
    // (Progressing, Waiting, WaitingPromotion).
    bool rollbackable() const;
    // The manual gates of one webhook type (there may be several webhooks of a type).
    QList<CanaryGate> gatesOf(const QString &type) const;
    // What waits for a person now, in words ("confirm-promotion (gate check at flagger-loadtester.test)"), or empty.
    QString waitingFor() const;
    // "Progressing · weight 20 % of 50 · failed checks 1/5": the one line the console and curtainctl show.
    QString summary() const;
};

// The parts of "http://flagger-loadtester.test/gate/check" (or .test.svc.cluster.local:80, or a
// bare service name in `defaultNamespace`): nullopt when it is not a loadtester gate URL.
std::optional<CanaryGate> parseGateUrl(const QString &url, const QString &defaultNamespace);

} // namespace Curtain::Core
