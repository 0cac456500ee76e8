#include "weightslider.h"

#include "core/displaytext.h"

#include "theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <QWheelEvent>

namespace Curtain::Ui {

namespace {

// A wheel turned over the slider on the way down the window must not move traffic: the slider takes
// no wheel events (they go on to whatever scrolls), and keys reach it only once it has focus.
class WheelProofSlider final : public QSlider
{
public:
    using QSlider::QSlider;

protected:
    void wheelEvent(QWheelEvent *event) override { event->ignore(); }
};

} // namespace

const QList<int> &WeightSlider::presets()
{
    static const QList<int> values{0, 1, 5, 25, 50, 100};
    return values;
}

WeightSlider::WeightSlider(QWidget *parent) : QWidget(parent), m_keyboardSettle(this)
{
    setObjectName(QStringLiteral("weightSlider"));
    auto *caption = new QLabel(tr("Candidate traffic"), this);
    QFont bold = caption->font();
    bold.setBold(true);
    caption->setFont(bold);

    m_slider = new WheelProofSlider(Qt::Horizontal, this);
    m_slider->setFocusPolicy(Qt::StrongFocus); // Tab or a click, never the wheel
    m_slider->setObjectName(QStringLiteral("weightTrack"));
    m_slider->setRange(0, 100);
    m_slider->setSingleStep(1);
    m_slider->setPageStep(5);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(10);
    m_slider->setMinimumWidth(220);
    m_slider->setAccessibleName(tr("Candidate traffic weight"));

    m_value = new QLabel(this);
    m_value->setObjectName(QStringLiteral("weightValue"));
    m_value->setMinimumWidth(48);
    m_value->setFont(bold);
    m_stateLabel = new QLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("weightState"));
    m_stateLabel->hide(); // the row under the slider takes room only when it has something to say
    m_reason = new QLabel(this);
    m_reason->setObjectName(QStringLiteral("weightReason"));
    m_reason->setWordWrap(true);
    Theme::setTextColor(*m_reason, Theme::secondaryText());

    auto *row = new QHBoxLayout;
    row->addWidget(caption);
    row->addWidget(m_slider, 1);
    row->addWidget(m_value);
    for (int preset : presets()) {
        auto *button = new QPushButton(QStringLiteral("%1 %").arg(preset), this);
        button->setObjectName(QStringLiteral("preset%1").arg(preset));
        button->setToolTip(tr("Send %1 % of traffic to the candidate").arg(preset));
        button->setMaximumWidth(52);
        connect(button, &QPushButton::clicked, this, [this, preset] {
            showValue(preset);
            request(preset);
        });
        m_presets.append(button);
        row->addWidget(button);
    }
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    // Under the slider: the state of the last request, or why the slider is off.
    auto *below = new QHBoxLayout;
    below->addWidget(m_stateLabel);
    below->addWidget(m_reason, 1);
    layout->addLayout(below);

    // Dragging shows the value; only letting go sends it. Keyboard steps send once they settle.
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        m_value->setText(QStringLiteral("%1 %").arg(value));
        if (!m_slider->isSliderDown() && value != m_applied) {
            m_keyboardSettle.start();
        }
    });
    connect(m_slider, &QSlider::sliderReleased, this, [this] {
        m_keyboardSettle.stop();
        request(m_slider->value());
    });
    m_keyboardSettle.setSingleShot(true);
    m_keyboardSettle.setInterval(400);
    connect(&m_keyboardSettle, &QTimer::timeout, this, [this] { request(m_slider->value()); });
    showValue(0);
}

int WeightSlider::value() const
{
    return m_slider->value();
}

void WeightSlider::showValue(int weight)
{
    const QSignalBlocker blocker(m_slider);
    m_slider->setValue(weight);
    m_value->setText(QStringLiteral("%1 %").arg(weight));
}

void WeightSlider::request(int weight)
{
    if (weight == m_applied && m_state != State::Failed) {
        return;
    }
    Q_EMIT weightRequested(weight);
}

void WeightSlider::setRelease(const Core::ReleaseSnapshot &release)
{
    const bool otherRelease = release.key() != m_release;
    m_release = release.key();
    const Core::Capability &capability = release.capabilities.setWeight;
    m_slider->setEnabled(capability.enabled);
    for (QPushButton *button : std::as_const(m_presets)) {
        button->setEnabled(capability.enabled);
    }
    m_reason->setText(capability.enabled ? QString() : Core::briefly(capability.reason));
    m_reason->setToolTip(capability.enabled ? QString() : capability.reason);
    m_reason->setVisible(!capability.enabled);
    setToolTip(capability.enabled ? QString() : capability.reason);
    m_applied = release.candidateWeight();
    // "✓ applied 25 %" is about this console's last request: once the cluster has moved on (a
    // Rollback, another console, a plan), it would be a claim about a state that is gone.
    if (otherRelease || (m_state == State::Applied && m_applied != m_appliedShown)) {
        m_state = State::Idle;
        showState({}, {}, {});
    }
    // Never move the handle under the user's finger or over a request still in flight.
    if (!m_slider->isSliderDown() && m_state != State::Pending && !m_keyboardSettle.isActive()) {
        showValue(m_applied);
    }
}

void WeightSlider::setPending(int weight)
{
    m_state = State::Pending;
    showState(tr("⟳ applying %1 %…").arg(weight), {}, {});
}

void WeightSlider::setApplied(int weight)
{
    m_state = State::Applied;
    m_applied = weight;
    m_appliedShown = weight;
    showValue(weight);
    showState(tr("✓ applied %1 %").arg(weight),
              QStringLiteral("color: %1;").arg(Theme::healthColor(QStringLiteral("healthy")).name()), {});
}

void WeightSlider::revert()
{
    m_state = State::Idle;
    showValue(m_applied);
    showState(tr("not sent"), {}, {});
}

void WeightSlider::setFailed(const QString &message)
{
    m_state = State::Failed;
    showValue(m_applied);
    showState(tr("✗ not applied"), QStringLiteral("color: %1;").arg(Theme::danger().name()), message);
}

void WeightSlider::showState(const QString &text, const QString &style, const QString &toolTip)
{
    m_stateLabel->setText(text);
    m_stateLabel->setStyleSheet(style);
    m_stateLabel->setToolTip(toolTip);
    m_stateLabel->setVisible(!text.isEmpty());
}

} // namespace Curtain::Ui
