#pragma once

#include "core/release.h"

#include <QHash>
#include <QObject>

namespace Curtain::Kube {
class KubeClient;
}

namespace Curtain::Engine {

// What the user may do, asked of the cluster with SelfSubjectAccessReviews and remembered for a
// minute. Every action writes the route, so one question per namespace and route kind covers them
// all (as `kubectl auth can-i patch services -n NS`): 2,000 releases cost a handful of reviews. A
// Flagger Canary's gates add one per loadtester namespace (`create services/proxy`).
// Lives on the network thread.
class Permissions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Permissions)

public:
    explicit Permissions(Kube::KubeClient *client, QObject *parent = nullptr);

    // Greys out what the user may not do on this release, saying why; asks the cluster when it
    // does not know yet (the answer arrives through changed()). Rollback is greyed when denied,
    // never hidden.
    void apply(Core::ReleaseSnapshot &release);

Q_SIGNALS:
    void changed(); // an answer arrived: snapshots should be rebuilt

private:
    struct Answer
    {
        bool pending = false;
        bool allowed = true;
        QString reason;
        qint64 checkedMs = 0;
    };
    struct Question
    {
        QString verb;
        QString group;
        QString resource;
        QString subresource;
        QString namespaceName;
    };
    // What is known (allowed until told otherwise), asking again when it is older than a minute.
    Answer answer(const Question &question);
    void ask(const QString &key, const Question &question);
    void applyGates(Core::ReleaseSnapshot &release);

    Kube::KubeClient *m_client;
    QHash<QString, Answer> m_answers; // by verb|group|resource|namespace
};

} // namespace Curtain::Engine
