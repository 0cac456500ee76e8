#pragma once

#include "core/action.h"
#include "core/clusterendpoint.h"
#include "core/history.h"
#include "core/release.h"
#include "core/result.h"
#include "engine/journal.h"
#include "engine/journalindex.h"

#include <QFuture>
#include <QObject>
#include <QPromise>

#include <memory>

namespace Curtain::Kube {
class KubeClient;
}

namespace Curtain::Engine {

// Who did what: every action Curtain performs (console, curtainctl, plans) and every plan step and
// verdict becomes an events.k8s.io/v1 Event on the release's route and a line in this machine's
// Journal. The actor is who the cluster says we are (SelfSubjectReview), else the kubeconfig user.
// The journal line is written first (it is the record that lasts); the Event is best-effort: a
// cluster that refuses it changes nothing about the action. Lives on the engine's thread.
class Auditor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Auditor)

public:
    Auditor(Kube::KubeClient *client, const Core::ClusterEndpoint &endpoint, QObject *parent = nullptr);
    ~Auditor() override;

    void start(); // asks the cluster who we are

    // `before` is the release the action was asked on (nullptr when it was not found: journal only).
    void recordAction(const Core::ActionRequest &request, const Core::ReleaseSnapshot *before,
                      const Core::Result<Core::ActionOutcome> &result);
    // A plan started, moved to a step, or ended (`state` is the plan's state name).
    void recordPlan(const Core::ReleaseSnapshot &release, const QString &action, const QString &state,
                    const QString &note, bool warning);

    // A schema migration step on the release's database (SchemaExpanded, SchemaContracted,
    // SchemaAborted, or SchemaRefused / SchemaFailed), sent from this program.
    void recordMigration(const Core::ReleaseSnapshot &release, const QString &reason, const QString &outcome,
                         const QString &note);
    // Any other change to a release (Scaled, ScaleRefused): the same record, one reason each.
    void recordChange(const Core::ReleaseSnapshot &release, const QString &reason, const QString &outcome,
                      const QString &note)
    {
        recordMigration(release, reason, outcome, note);
    }
    // Resolves once every Event sent so far was answered (or failed): what curtainctl waits for
    // before it exits. Call on the engine's thread.
    QFuture<Core::Done> settled();

    // The release's history: this machine's journal (read on a worker, so that a long journal
    // never holds up the engine's thread) and the Events on its route and workloads.
    QFuture<Core::ReleaseHistory> history(const Core::ReleaseSnapshot &release);

    QString actor() const { return m_actor; }
    const Journal &journal() const { return m_journal; }

private:
    void record(QJsonObject entry, const Core::ReleaseSnapshot &release, const QString &reason, bool warning);
    void stamp(QJsonObject &entry, const Core::ReleaseSnapshot &release, bool warning) const;
    void flushWaiting(); // the cluster said who we are, or did not in time: write what waited
    void eventAnswered();
    void settleIfDone(); // resolves settled() once no Event is in flight and no record waits

    Kube::KubeClient *m_client;
    QString m_context;
    QString m_server;
    QString m_kubeconfigUser;
    QString m_actor;       // who the cluster says we are; the kubeconfig user until it answers
    QString m_actorSource; // "cluster" or "kubeconfig"
    Journal m_journal;
    std::shared_ptr<JournalIndex> m_journalIndex; // shared with the worker that reads it
    int m_pendingEvents = 0;                      // Events sent and not answered
    bool m_askingWho = false;
    static constexpr int whoAmIWaitMs = 3'000;
    struct Waiting
    {
        QJsonObject entry;
        Core::ReleaseSnapshot release;
        QString reason;
        bool warning = false;
    };
    QList<Waiting> m_waiting; // records made before the cluster said who we are
    QList<std::shared_ptr<QPromise<Core::Done>>> m_settledWaiters;
};

} // namespace Curtain::Engine
