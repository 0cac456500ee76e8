#pragma once

#include "core/result.h"
#include "kube/json.h"
#include "kube/watchdecoder.h"
#include "net/httpclient.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

namespace Curtain::Kube {

class KubeClient;

// Keeps a local copy of one collection live: list, then watch from the list's resourceVersion,
// resume from the last version seen, relist when the server says it is too old (410), and back off
// with jitter (0.8 s doubling to 30 s) when the connection drops.
class Informer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Informer)

public:
    enum class State { Idle, Listing, Live, Retrying, NotServed };
    Q_ENUM(State)

    // An optional collection (a custom resource the cluster may not have installed) treats 404 as
    // "empty, look again later" instead of an error.
    Informer(KubeClient *client, QString collectionPath, QString labelSelector, bool optional = false,
             QObject *parent = nullptr);
    ~Informer() override;

    void start();
    void stop();

    State state() const { return m_state; }
    bool hasSynced() const { return m_synced; }
    const QHash<QString, Json> &objects() const { return m_objects; } // keyed by namespace/name
    QString lastResourceVersion() const { return m_resourceVersion; }
    QString lastError() const { return m_lastError; }
    // The kind of the last failure (Unreachable, Unauthorized, Forbidden, …), for callers that branch on it.
    Core::ErrorKind lastErrorKind() const { return m_lastErrorKind; }
    QString collectionPath() const { return m_path; }

Q_SIGNALS:
    void changed(); // the object set changed (also after each relist)
    void stateChanged(State state, const QString &detail);

private:
    void relist();
    void startWatch();
    void onEvent(const Core::Result<WatchEvent> &event);
    void onWatchClosed(const Core::Result<Core::Done> &end);
    void retryLater(const Core::Error &why);
    void setState(State state, const QString &detail = {});
    static QString keyOf(const Json &object);

    KubeClient *m_client;
    QString m_path;
    QString m_selector;
    QHash<QString, Json> m_objects;
    QString m_resourceVersion;
    QString m_lastError;
    Core::ErrorKind m_lastErrorKind = Core::ErrorKind::Unreachable;
    State m_state = State::Idle;
    bool m_optional = false;
    bool m_synced = false;
    bool m_running = false;
    bool m_relistNeeded = false;
    int m_failures = 0;
    Net::StreamId m_watch = 0;
    QTimer m_retry;
};

} // namespace Curtain::Kube
