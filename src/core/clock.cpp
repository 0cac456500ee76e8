#include "core/clock.h"

#include <QTimer>

#include <algorithm>

namespace Curtain::Core {

Clock::~Clock() = default;

Clock *Clock::system()
{
    static SystemClock clock;
    return &clock;
}

QDateTime SystemClock::now() const
{
    return QDateTime::currentDateTimeUtc();
}

void SystemClock::callAfter(qint64 ms, QObject *context, std::function<void()> callback)
{
    QTimer::singleShot(std::chrono::milliseconds(std::max<qint64>(ms, 0)), context, std::move(callback));
}

ManualClock::ManualClock(QDateTime start) : m_now(std::move(start))
{}

void ManualClock::callAfter(qint64 ms, QObject *context, std::function<void()> callback)
{
    m_due.append({m_now.addMSecs(std::max<qint64>(ms, 0)), m_scheduled++, context, std::move(callback)});
}

void ManualClock::advance(qint64 ms)
{
    const QDateTime end = m_now.addMSecs(std::max<qint64>(ms, 0));
    for (;;) {
        // The earliest due callback; a callback may schedule more, so look again every time.
        auto next = std::min_element(m_due.begin(), m_due.end(), [](const Due &a, const Due &b) {
            return a.at < b.at || (a.at == b.at && a.order < b.order);
        });
        if (next == m_due.end() || next->at > end) {
            break;
        }
        const Due due = *next;
        m_due.erase(next);
        m_now = std::max(m_now, due.at);
        if (due.context) {
            due.callback();
        }
    }
    m_now = end;
}

int ManualClock::pending() const
{
    return int(std::count_if(m_due.begin(), m_due.end(), [](const Due &d) { return !d.context.isNull(); }));
}

} // namespace Curtain::Core
