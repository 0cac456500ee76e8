#pragma once

#include "core/result.h"
#include "kube/json.h"
#include "kube/watchdecoder.h"
#include "net/httpclient.h"

#include "kube/objectlist.h"
#include <QHash>
#include <QObject>

#include <QString>

#include <memory>

namespace Curtain::Core {
class Clock;
}

namespace Curtain::Kube {

using ObjectMap = QHash<QString, ObjectPtr>; // keyed by namespace/name

// Whether `candidate` may replace `current`: Kubernetes resourceVersions are opaque, but every
// server we know issues increasing integers; when both are, the higher wins, otherwise the newer
// arrival does.
bool isNewerVersion(const QString &candidate, const QString &current);

class KubeClient;
struct ListResult;

// Keeps a local copy of one collection live: list, then watch from the list's resourceVersion,
// resume from the last version seen when a watch simply times out, relist when the server says it
// is too old (410) and after every reconnect, and back off with jitter (0.8 s doubling to 30 s)
// when the connection drops. Every object that arrives — listed, watched, or offered by an
// action's read-back — is merged by resourceVersion: an older copy never replaces a newer one.
// When a relist shows the server's versions went backwards (a restarted or restored API server),
// the copy is replaced whole and reset() says so.
class Informer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Informer)

public:
    enum class State { Idle, Listing, Live, Retrying, NotServed };
    Q_ENUM(State)

    // An optional collection (a custom resource the cluster may not have installed) treats 404 as
    // "empty, look again later" instead of an error.
    // Backoff and "last heard" run on `clock` (the system clock when null), so tests turn them by hand.
    Informer(KubeClient *client, QString collectionPath, QString labelSelector, bool optional = false,
             QObject *parent = nullptr, Core::Clock *clock = nullptr);
    ~Informer() override;

    void start();
    void stop();

    State state() const { return m_state; }
    bool hasSynced() const { return m_synced; }
    const ObjectMap &objects() const { return m_objects; } // a cheap, implicitly shared copy
    // Merges an object read outside the watch (an action's reply or read-back); true if it was
    // newer than what the informer held and so changed the collection.
    bool offer(const Json &object);
    // When the server was last heard from on this collection: a list, an event or a bookmark.
    qint64 lastHeardMs() const { return m_lastHeardMs; }
    QString lastResourceVersion() const { return m_resourceVersion; }
    QString lastError() const { return m_lastError; }
    // The kind of the last failure (Unreachable, Unauthorized, Forbidden, …), for callers that branch on it.
    Core::ErrorKind lastErrorKind() const { return m_lastErrorKind; }
    int lastErrorStatus() const { return m_lastErrorStatus; } // its HTTP status, 0 when none came
    QString collectionPath() const { return m_path; }

Q_SIGNALS:
    void changed(); // the object set changed (also after each relist)
    void stateChanged(State state, const QString &detail);
    // The server's state is not the one the informer held (its versions went backwards): the
    // collection was reloaded from scratch. `detail` says what was seen.
    void reset(const QString &detail);

private:
    void relist();
    void startWatch();
    void onEvent(const Core::Result<WatchEvent> &event);
    void onWatchClosed(const Core::Result<Core::Done> &end);
    void retryLater(const Core::Error &why);
    void retryAfter(qint64 ms);
    void setState(State state, const QString &detail = {});
    void applyList(ListResult &&listed);
    bool merge(const Json &object);
    void heard();
    static QString keyOf(const Json &object);

    KubeClient *m_client;
    QString m_path;
    QString m_selector;
    ObjectMap m_objects;
    QString m_highestVersion; // the highest resourceVersion ever seen here, to notice a server going back
    qint64 m_lastHeardMs = 0;
    QString m_resourceVersion;
    QString m_lastError;
    Core::ErrorKind m_lastErrorKind = Core::ErrorKind::Unreachable;
    int m_lastErrorStatus = 0;
    State m_state = State::Idle;
    bool m_optional = false;
    bool m_synced = false;
    bool m_running = false;
    bool m_relistNeeded = false;
    int m_failures = 0;
    Net::StreamId m_watch = 0;
    Core::Clock *m_clock;
    quint64 m_retryGeneration = 0; // a scheduled retry runs only if nothing cancelled or replaced it
};

} // namespace Curtain::Kube
