// MainWindow's menu bar: every action with its shortcut, so the console works without a mouse.

#include "mainwindow.h"

#include "actionbar.h"
#include "releasetable.h"
#include "weightslider.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QGuiApplication>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>

namespace Curtain::Ui {

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, [this] {
        m_quitting = true; // Quit means quit, a plan driven here included
        close();           // remembers the layout
        QApplication::quit();
    });
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *release = menuBar()->addMenu(tr("&Release"));
    release->addAction(m_actions->rollbackAction());
    release->addSeparator();
    release->addAction(m_actions->promoteAction());
    release->addAction(m_actions->flipAction());
    QAction *more = release->addAction(tr("&More traffic to the candidate"), this, [this] { stepWeight(+1); });
    more->setObjectName(QStringLiteral("moreWeightAction"));
    // Not Ctrl+Shift+Up/Down: a focused slider or text field takes those for itself.
    more->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_BracketRight));
    QAction *less = release->addAction(tr("&Less traffic to the candidate"), this, [this] { stepWeight(-1); });
    less->setObjectName(QStringLiteral("lessWeightAction"));
    less->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_BracketLeft));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *list = view->addAction(tr("Release &list"), this, [this] { m_list->setFocus(Qt::ShortcutFocusReason); });
    list->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    QAction *filter = view->addAction(tr("F&ilter releases"), this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    filter->setShortcut(QKeySequence::Find);
    QAction *namespaces = view->addAction(tr("&Namespace…"), this, [this] {
        m_namespaces->setFocus(Qt::ShortcutFocusReason);
        m_namespaces->showPopup();
    });
    namespaces->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    QAction *fleet = view->addAction(tr("&Fleet…"), this, [this] {
        if (m_fleet->isVisible()) {
            Q_EMIT fleetRequested();
        }
    });
    fleet->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    QAction *history = view->addAction(tr("&History…"), this, &MainWindow::showHistory);
    history->setObjectName(QStringLiteral("historyAction"));
    history->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *keys = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcut(QKeySequence::HelpContents);
    QAction *about = help->addAction(tr("&About %1").arg(QGuiApplication::applicationDisplayName()));
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole); // the application menu on macOS
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About %1").arg(QGuiApplication::applicationDisplayName()),
                           m_about.isEmpty() ? QGuiApplication::applicationDisplayName() + QLatin1Char(' ') +
                                                   QCoreApplication::applicationVersion()
                                             : m_about);
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::stepWeight(int direction)
{
    const Core::ReleaseSnapshot *release = current();
    if (!release || !release->capabilities.setWeight.enabled) {
        return;
    }
    const int now = release->candidateWeight();
    const QList<int> &presets = WeightSlider::presets();
    int next = now;
    if (direction > 0) {
        const auto above = std::find_if(presets.cbegin(), presets.cend(), [now](int p) { return p > now; });
        next = above == presets.cend() ? now : *above;
    } else {
        const auto below = std::find_if(presets.crbegin(), presets.crend(), [now](int p) { return p < now; });
        next = below == presets.crend() ? now : *below;
    }
    if (next != now) {
        confirmThenRun({Core::ActionKind::SetWeight, release->key().toString(), next, release->routeResourceVersion});
    }
}

void MainWindow::showShortcuts()
{
    QString rows;
    for (QMenu *menu : menuBar()->findChildren<QMenu *>()) {
        for (const QAction *action : menu->actions()) {
            if (!action->shortcut().isEmpty()) {
                rows += QStringLiteral("<tr><td>%1</td><td><b>%2</b></td></tr>")
                            .arg(action->text().remove(QLatin1Char('&')).toHtmlEscaped(),
                                 action->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped());
            }
        }
    }
    QMessageBox::information(this, tr("Keyboard shortcuts"),
                             tr("<table cellspacing=6>%1</table><p>Tab walks the window top to bottom; the arrow "
                                "keys move in the release list and the slider. A move towards the candidate "
                                "asks first: Tab to its button, then Space.</p>")
                                 .arg(rows));
}

} // namespace Curtain::Ui
