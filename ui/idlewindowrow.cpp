#include "idlewindowrow.h"

#include "settings.h"
#include "theme.h"

#include "core/judgetext.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace Curtain::Ui {

IdleWindowRow::IdleWindowRow(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("idleWindow"));
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("idleWindowText"));
    m_text->setWordWrap(true);
    m_delayLabel = new QLabel(tr("Scale down in"), this);
    m_delay = new QSpinBox(this);
    m_delay->setObjectName(QStringLiteral("scaleDownDelay"));
    m_delay->setAccessibleName(tr("Delay before the idle color is scaled down, in minutes"));
    m_delay->setRange(0, 24 * 60);
    m_delay->setSuffix(tr(" min"));
    m_delay->setValue(Settings::scaleDownMinutes());
    m_delayLabel->setBuddy(m_delay);
    connect(m_delay, &QSpinBox::valueChanged, this, [](int minutes) { Settings::setScaleDownMinutes(minutes); });
    m_scaleDown = new QPushButton(tr("Schedule"), this);
    m_scaleDown->setObjectName(QStringLiteral("scheduleScaleDownButton"));
    m_scaleDown->setMinimumHeight(30);
    connect(m_scaleDown, &QPushButton::clicked, this, &IdleWindowRow::schedule);
    m_cancel = new QPushButton(tr("Keep it"), this);
    m_cancel->setObjectName(QStringLiteral("cancelScaleDownButton"));
    m_cancel->setMinimumHeight(30);
    m_cancel->setToolTip(tr("Cancel the scale-down: the idle color keeps running, and Rollback stays instant"));
    connect(m_cancel, &QPushButton::clicked, this, &IdleWindowRow::cancel);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_delayLabel);
    layout->addWidget(m_delay);
    layout->addWidget(m_scaleDown);
    layout->addWidget(m_cancel);
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, [this] {
        fireDue();
        refresh();
    });
    setVisible(false);
}

void IdleWindowRow::setRelease(const Core::ReleaseSnapshot *release)
{
    m_release = release ? std::optional<Core::ReleaseSnapshot>(*release) : std::nullopt;
    m_window = release ? Core::idleWindow(*release) : std::nullopt;
    refresh();
}

void IdleWindowRow::observe(const Core::ReleaseSnapshots &releases)
{
    for (auto it = m_scheduled.begin(); it != m_scheduled.end();) {
        const auto release = std::find_if(releases.cbegin(), releases.cend(),
                                          [&](const Core::ReleaseSnapshot &r) { return r.key() == it.key(); });
        if (release != releases.cend() && !release->problem.isEmpty()) {
            ++it; // read badly this once: nothing is known to have changed
            continue;
        }
        const std::optional<Core::IdleWindow> idle =
            release == releases.cend() ? std::nullopt : Core::idleWindow(*release);
        if (!idle || idle->color != it->color || idle->version != it->version) {
            Q_EMIT scheduled(tr("Scale-down of %1 %2 dropped: it is no longer idle")
                                 .arg(it.key().toString(), Core::colorName(it->color)));
            it = m_scheduled.erase(it);
        } else {
            ++it;
        }
    }
    if (m_scheduled.isEmpty() && !isVisible()) {
        m_clock.stop();
    }
}

void IdleWindowRow::clearSchedules()
{
    m_scheduled.clear();
    refresh();
}

QString IdleWindowRow::text() const
{
    return m_text->text();
}

QDateTime IdleWindowRow::scheduledAt(const Core::ReleaseKey &release) const
{
    const auto it = m_scheduled.constFind(release);
    return it == m_scheduled.constEnd() ? QDateTime() : it->at;
}

void IdleWindowRow::schedule()
{
    if (!m_release || !m_window) {
        return;
    }
    const Scheduled entry{m_window->color, m_window->version,
                          QDateTime::currentDateTimeUtc().addSecs(qint64(m_delay->value()) * 60)};
    m_scheduled.insert(m_release->key(), entry);
    Q_EMIT scheduled(tr("%1 %2 scales down to 0 at %3; instant rollback to it ends then")
                         .arg(m_release->name, Core::colorName(entry.color),
                              entry.at.toLocalTime().toString(QStringLiteral("HH:mm"))));
    fireDue(); // a delay of 0 means now
    refresh();
}

void IdleWindowRow::cancel()
{
    if (m_release && m_scheduled.remove(m_release->key()) > 0) {
        Q_EMIT scheduled(tr("Scale-down of %1 cancelled: the idle color keeps running").arg(m_release->name));
    }
    refresh();
}

void IdleWindowRow::fireDue()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto it = m_scheduled.begin(); it != m_scheduled.end();) {
        if (it->at <= now) {
            const Core::ReleaseKey key = it.key();
            const Core::Color color = it->color;
            it = m_scheduled.erase(it);
            Q_EMIT scaleDownDue(key, color);
        } else {
            ++it;
        }
    }
}

void IdleWindowRow::refresh()
{
    setVisible(m_window.has_value());
    if (m_window || !m_scheduled.isEmpty()) {
        m_clock.start();
    } else {
        m_clock.stop();
    }
    if (!m_window || !m_release) {
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime at = scheduledAt(m_release->key());
    QString text = tr("◷ ") + Core::idleWindowText(*m_window, now) + QLatin1Char('.');
    if (at.isValid()) {
        text +=
            tr(" Scales down to 0 at %1 (in %2): instant rollback ends then.")
                .arg(at.toLocalTime().toString(QStringLiteral("HH:mm")), Core::formatDuration(double(now.secsTo(at))));
    }
    m_text->setText(text);
    Theme::setTextColor(*m_text, Theme::secondaryText());
    m_delayLabel->setVisible(!at.isValid());
    m_delay->setVisible(!at.isValid());
    m_scaleDown->setVisible(!at.isValid());
    m_scaleDown->setToolTip(tr("Scale %1 to 0 replicas after the delay, unless it takes traffic again; Rollback to "
                               "it is instant until then, and needs its pods started again after")
                                .arg(Core::colorName(m_window->color)));
    m_cancel->setVisible(at.isValid());
}

} // namespace Curtain::Ui
