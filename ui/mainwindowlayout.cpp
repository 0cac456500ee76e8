// MainWindow's widgets and how they are laid out: the release list at the left; at the right the
// detail of the selected release, which scrolls when the window is small, between the banners
// and the action bar, which never scroll away.

#include "mainwindow.h"

#include "actionbar.h"
#include "canarypanel.h"
#include "charts/metricchart.h"
#include "databasepanel.h"
#include "environmentpanel.h"
#include "failurebanner.h"
#include "healthdelegate.h"
#include "idlewindowrow.h"
#include "planpanel.h"
#include "releasetable.h"
#include "rolloutpanel.h"
#include "weightslider.h"

#include "models/releaselistmodel.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace Curtain::Ui {

namespace {

// The detail in its scroll area. QScrollArea takes a widget's heightForWidth (its preferred height,
// which word-wrapped labels make it ask for) as the least height it may get, so the charts kept
// their preferred height and at 1280×800 the Argo step buttons went under the action bar. When the
// detail fits at its minimum, that is its least height: charts and pod tables give up what they can
// and nothing scrolls. When it does not fit even so (1024×640), it scrolls at its preferred height
// rather than squeezing every table to two rows.
class DetailPane final : public QWidget
{
public:
    using QWidget::QWidget;
    int heightForWidth(int width) const override
    {
        const int least = layout()->totalMinimumHeightForWidth(width);
        const int available = parentWidget() ? parentWidget()->height() : 0; // the scroll area's viewport
        return least <= available ? least : layout()->totalHeightForWidth(width);
    }
};

// The detail's scroll area. A widget inside it that is disabled while it has the focus (the slider
// or a plan button, when the data turns stale) hands the focus on, and QScrollArea scrolls to the
// next one as if Tab had been pressed — taking the release's name out of sight. Only Tab scrolls.
class DetailScroll final : public QScrollArea
{
public:
    using QScrollArea::QScrollArea;

protected:
    bool focusNextPrevChild(bool next) override
    {
        const QWidget *from = QApplication::focusWidget();
        if (from && !from->isEnabled()) {
            return QWidget::focusNextPrevChild(next);
        }
        return QScrollArea::focusNextPrevChild(next);
    }
};

} // namespace

QWidget *MainWindow::buildReleaseList()
{
    // The view sees the releases through a filter (the box above it, Ctrl+F) and sorts by any
    // column; Health sorts by urgency. Until a header is clicked, the cluster's order.
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Models::ReleaseListModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("releaseFilter"));
    m_filter->setPlaceholderText(tr("Filter releases (Ctrl+F)"));
    m_filter->setAccessibleName(tr("Filter releases"));
    // The clear button shows only over text; Fusion looks its icon up in the icon themes, 2–3 ms of
    // the first frame, so it is made with the first character.
    connect(
        m_filter, &QLineEdit::textChanged, m_filter, [this] { m_filter->setClearButtonEnabled(true); },
        Qt::SingleShotConnection);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    m_list = new ReleaseTable(this);
    m_list->setObjectName(QStringLiteral("releaseList"));
    m_list->setModel(m_proxy);
    m_list->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_list->setSortingEnabled(true);
    m_list->setItemDelegate(new HealthDelegate(Models::ReleaseListModel::Health, m_list));
    m_list->setAccessibleName(tr("Releases"));
    m_list->setMinimumWidth(240); // the splitter starts it at 460: every column readable at 1280 px

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(2);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_list);
    return left;
}

QWidget *MainWindow::buildDetail()
{
    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("releaseHeading"));
    QFont headingFont = m_heading->font();
    headingFont.setPointSize(headingFont.pointSize() + 6);
    headingFont.setBold(true);
    m_heading->setFont(headingFont);
    m_subheading = new QLabel(this);
    m_subheading->setObjectName(QStringLiteral("releaseSubheading"));
    m_subheading->setWordWrap(true);

    m_banner = new FailureBanner(this);
    connect(m_banner, &FailureBanner::retryRequested, this, &MainWindow::retryFailed);
    connect(m_banner, &FailureBanner::dismissRequested, this, &MainWindow::dismissFailure);
    m_rollbackMark = new FailureBanner(this);
    m_rollbackMark->setAcknowledgeOnly(QStringLiteral("rollbackMark"));
    connect(m_rollbackMark, &FailureBanner::dismissRequested, this, &MainWindow::acknowledgeRollback);
    m_blue = new EnvironmentPanel(Core::Color::Blue, this);
    m_green = new EnvironmentPanel(Core::Color::Green, this);
    m_slider = new WeightSlider(this);
    // Short axis titles: a chart at its minimum height elides a long one to "…".
    m_errors = new MetricChart(tr("Errors (% of requests)"), tr("%"), 1.0, this);
    m_errors->setObjectName(QStringLiteral("errorChart"));
    m_latency = new MetricChart(tr("p99 latency"), tr("ms"), 100.0, this);
    m_latency->setObjectName(QStringLiteral("latencyChart"));
    m_plan = new PlanPanel(this);
    m_rollout = new RolloutPanel(this);
    m_canary = new CanaryPanel(this);
    m_database = new DatabasePanel(this);
    m_idle = new IdleWindowRow(this);
    m_actions = new ActionBar(this); // after the plan: Tab walks the screen top to bottom
    connectWindowSteps();
    return layOutDetail();
}

QWidget *MainWindow::layOutDetail()
{
    auto *panels = new QHBoxLayout;
    panels->addWidget(m_blue);
    panels->addWidget(m_green);
    auto *charts = new QHBoxLayout;
    charts->addWidget(m_errors);
    charts->addWidget(m_latency);

    // The detail scrolls when the window is small (1024×640); what must never scroll away stays
    // outside it: a failed action and a rollback mark above, Promote, Flip and Rollback below.
    auto *detail = new DetailPane(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(12, 8, 12, 8);
    detailLayout->addWidget(m_heading);
    detailLayout->addWidget(m_subheading);
    detailLayout->addLayout(panels);
    detailLayout->addWidget(m_slider);
    detailLayout->addWidget(m_idle);     // what the last flip left waiting, and its cost
    detailLayout->addWidget(m_database); // beside the traffic it gates
    detailLayout->addLayout(charts, 1);
    detailLayout->addWidget(m_plan);
    detailLayout->addWidget(m_rollout);
    detailLayout->addWidget(m_canary);
    auto *scroll = new DetailScroll(this);
    m_detailScroll = scroll;
    scroll->setObjectName(QStringLiteral("detailScroll"));
    scroll->setWidget(detail);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // Up and down only: a narrow window takes width from the list (the splitter), not from the panels.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(detail->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width());

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    auto *banners = new QVBoxLayout;
    banners->setContentsMargins(12, 6, 12, 0);
    banners->addWidget(m_banner);
    banners->addWidget(m_rollbackMark);
    rightLayout->addLayout(banners);
    rightLayout->addWidget(scroll, 1);
    auto *actions = new QVBoxLayout;
    actions->setContentsMargins(12, 6, 12, 8);
    actions->addWidget(m_actions);
    rightLayout->addLayout(actions);

    return right;
}

} // namespace Curtain::Ui
