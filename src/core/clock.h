#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>

#include <algorithm>
#include <functional>

namespace Curtain::Core {

// Where code that waits gets its time from: the wall clock and Qt's timers in the product, a clock
// turned by hand in tests, so a plan that pauses for minutes is tested in milliseconds.
class Clock
{
public:
    Clock() = default;
    virtual ~Clock();
    Q_DISABLE_COPY_MOVE(Clock)

    virtual QDateTime now() const = 0; // UTC
    qint64 nowMs() const { return now().toMSecsSinceEpoch(); }
    // Calls `callback` on `context`'s thread once `ms` have passed, unless `context` is gone by then.
    virtual void callAfter(qint64 ms, QObject *context, std::function<void()> callback) = 0;

    static Clock *system(); // the process-wide SystemClock
};

// The wait before looking again for something that usually comes soon (a controller's reaction):
// half of what has been waited so far, from 50 ms up to `longestMs`. Quick for a controller that
// reacts at once, and within a few requests of polling every `longestMs` for one that takes minutes.
constexpr qint64 pollAgainAfterMs(qint64 waitedMs, qint64 longestMs)
{
    return waitedMs / 2 < 50 ? std::min<qint64>(50, longestMs) : std::min(waitedMs / 2, longestMs);
}

// The wall clock and QTimer.
class SystemClock final : public Clock
{
public:
    SystemClock() = default;
    QDateTime now() const override;
    void callAfter(qint64 ms, QObject *context, std::function<void()> callback) override;
};

// Time that moves only when a test says so. advance() fires every callback that falls due, in the
// order of their due times (then of scheduling), each with now() set to its own due time; callbacks
// scheduled while advancing fire too when they fall inside the advanced span. Single-threaded.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(QDateTime start = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC));
    QDateTime now() const override { return m_now; }
    void callAfter(qint64 ms, QObject *context, std::function<void()> callback) override;

    void advance(qint64 ms);
    int pending() const; // callbacks waiting whose context still lives

private:
    struct Due
    {
        QDateTime at;
        quint64 order = 0;
        QPointer<QObject> context;
        std::function<void()> callback;
    };
    QDateTime m_now;
    QList<Due> m_due;
    quint64 m_scheduled = 0;
};

} // namespace Curtain::Core
