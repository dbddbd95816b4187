// SPDX-License-Identifier: BSD-3-Clause
// The live event table: receive time, type, id, size and a one-line preview of the data. It
// follows the tail unless the user scrolls up or pauses; filter by type, free-text search.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import SseMonitor

ColumnLayout {
    id: table

    required property EventFilterModel model
    property int capacity: 5000
    property alias searchText: searchField.text
    readonly property string typeFilter: typeBox.currentIndex > 0 ? typeBox.currentText : ""
    property alias paused: pauseButton.checked
    property bool following: true // false once the user scrolled up; true again at the end
    readonly property bool autoScroll: following && !paused
    readonly property var columns: [96, 84, 84, 64] // time, type, id, size; data takes the rest

    signal eventSelected(var event)
    signal clearRequested()
    signal exportRequested()
    signal recordRequested() // start (with a file dialog) or stop recording
    signal openRecordingRequested()
    property bool recording: false

    function focusSearch() {
        searchField.forceActiveFocus()
        searchField.selectAll()
    }
    function selectRow(row) {
        if (row < 0 || row >= list.count)
            return
        list.currentIndex = row
        table.selectedEvent = table.model.get(row)
        table.selectionShown = true
        table.eventSelected(table.selectedEvent)
    }
    // The highlight stays on the selected event, not on a row number: rows come and go at
    // capacity and with a filter. A filtered-out (or dropped) event has no row highlighted;
    // the detail pane keeps it, and it is highlighted again once a filter change shows it.
    property var selectedEvent: null
    property bool selectionShown: false
    function findSelection() { // after a filter change: wherever it is now, if anywhere
        if (!table.selectedEvent)
            return
        // The view applies model changes once per frame: first these, which may move its
        // current item (a removed current item passes to the row after it), then ours.
        list.forceLayout()
        list.currentIndex = table.model.rowOf(table.selectedEvent, list.currentIndex)
        table.selectionShown = list.currentIndex >= 0
    }
    function followSelection() { // after rows went or changed: only while it is shown
        if (table.selectionShown)
            table.findSelection()
    }

    spacing: 4
    onAutoScrollChanged: if (autoScroll) scrollTimer.start()

    SystemPalette { id: palette }

    RowLayout {
        Layout.fillWidth: true
        spacing: 6
        ComboBox {
            id: typeBox
            objectName: "typeFilter"
            implicitContentWidthPolicy: ComboBox.WidestText
            model: table.model.typeChoices
        }
        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search data, type or id (Ctrl+F)")
            selectByMouse: true
            Keys.onEscapePressed: text = ""
        }
        Button {
            id: pauseButton
            objectName: "pauseButton"
            checkable: true
            text: checked ? qsTr("Resume") : qsTr("Pause")
            onToggled: if (!checked) table.following = true
        }
        Button {
            objectName: "clearButton"
            text: qsTr("Clear")
            onClicked: table.clearRequested()
        }
        Button {
            objectName: "exportButton"
            text: qsTr("Export…")
            onClicked: table.exportRequested()
        }
        Button {
            objectName: "recordButton"
            text: table.recording ? qsTr("Stop recording") : qsTr("Record…")
            font.bold: table.recording
            onClicked: table.recordRequested()
        }
        Button {
            objectName: "openRecordingButton"
            text: qsTr("Open recording…")
            onClicked: table.openRecordingRequested()
        }
    }

    RowLayout {
        Layout.fillWidth: true
        // What the table shows, in words: the one event count is the status line's.
        Label {
            objectName: "tableStateLabel"
            Layout.fillWidth: true
            elide: Text.ElideRight
            text: {
                const filter = table.typeFilter !== "" || table.searchText !== ""
                        ? qsTr("Filtered: matching events only") : ""
                const scroll = table.paused ? qsTr("Paused (still receiving)")
                                            : table.following ? "" : qsTr("Scrolled up: End follows")
                return filter + (filter !== "" && scroll !== "" ? " · " : "") + scroll
            }
            color: table.paused || !table.following ? "#d08a00" : "gray"
        }
        Label { text: qsTr("keep") }
        SpinBox {
            objectName: "capacityBox"
            from: 10
            to: 1000000
            stepSize: 1000
            editable: true
            value: table.capacity
            onValueModified: table.capacity = value
        }
        Label { text: qsTr("events") }
    }

    // Column headers
    Rectangle {
        Layout.fillWidth: true
        implicitHeight: 24
        color: palette.button
        border.color: palette.mid
        Row {
            x: 6
            anchors.verticalCenter: parent.verticalCenter
            Text { width: table.columns[0]; text: qsTr("Time"); font.bold: true; color: palette.buttonText }
            Text { width: table.columns[1]; text: qsTr("Type"); font.bold: true; color: palette.buttonText }
            Text { width: table.columns[2]; text: qsTr("ID"); font.bold: true; color: palette.buttonText }
            Text {
                width: table.columns[3] - 10
                horizontalAlignment: Text.AlignRight
                text: qsTr("Size")
                font.bold: true
                color: palette.buttonText
            }
            Text { leftPadding: 10; text: qsTr("Data"); font.bold: true; color: palette.buttonText }
        }
    }

    ListView {
        id: list
        objectName: "eventList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: table.model
        reuseItems: true
        boundsBehavior: Flickable.StopAtBounds
        currentIndex: -1
        focus: true
        activeFocusOnTab: true
        ScrollBar.vertical: ScrollBar { id: scrollBar; policy: ScrollBar.AlwaysOn }

        // At capacity the count stays the same: rows are dropped at the top as others arrive.
        // In the next turn (the timers: Qt 6.4's qmllint flags Qt.callLater), the highlight is
        // put back on the selected event if the change moved it.
        Connections {
            target: table.model
            function onRowsAppended() { if (table.autoScroll) scrollTimer.start() }
            function onRowsRemoved() { followTimer.start() }
            function onDataChanged() { followTimer.start() }
            function onModelReset() { findTimer.start() }
            function onLayoutChanged() { findTimer.start() }
            function onSearchTextChanged() { findTimer.start() }
            function onTypeChanged() { findTimer.start() }
        }
        Timer { id: followTimer; interval: 0; onTriggered: table.followSelection() }
        Timer { id: findTimer; interval: 0; onTriggered: table.findSelection() }
        // The user scrolled (drag, flick, wheel or scroll bar): follow again only at the end.
        onContentYChanged: if (moving || scrollBar.pressed) table.following = atYEnd
        onMovementEnded: table.following = atYEnd

        Keys.onUpPressed: { table.following = false; table.selectRow(currentIndex - 1); positionViewAtIndex(currentIndex, ListView.Contain) }
        Keys.onDownPressed: { table.selectRow(currentIndex + 1); positionViewAtIndex(currentIndex, ListView.Contain) }
        Keys.onPressed: (event) => {
            if (event.key === Qt.Key_End) {
                table.following = true
                scrollTimer.start()
                event.accepted = true
            }
        }

        // Selection by click, without taking the press from flicking. A handler declared in a
        // Flickable goes to its contentItem (as items do), so point.position is already in
        // content coordinates, which indexAt() takes: adding contentX/Y counted the scroll
        // twice. Mapped from the scene, the position does not depend on where the handler is.
        TapHandler {
            onTapped: (point) => {
                list.forceActiveFocus()
                const at = list.contentItem.mapFromItem(null, point.scenePosition)
                table.selectRow(list.indexAt(at.x, at.y))
            }
        }

        // Qt 6.4's qmllint sees nothing outside a delegate with required properties: the
        // delegate carries its own column widths (the same as table.columns).
        delegate: Rectangle {
            id: row
            required property int index
            required property string timeText
            required property string type
            required property string preview
            required property int size
            required property var model
            readonly property var columns: [96, 84, 84, 64]
            readonly property bool current: ListView.isCurrentItem
            readonly property color textColor: current ? rowPalette.highlightedText : rowPalette.text
            readonly property color typeColor: {
                let hash = 0
                for (let i = 0; i < type.length; ++i)
                    hash = (hash * 31 + type.charCodeAt(i)) % 360
                return Qt.hsla(hash / 360, 0.55, 0.38, 1)
            }
            width: ListView.view.width - 12 // the scroll bar
            height: 22
            color: current ? rowPalette.highlight
                           : index % 2 ? rowPalette.alternateBase : rowPalette.base

            SystemPalette { id: rowPalette }
            Row {
                x: 6
                anchors.verticalCenter: parent.verticalCenter
                Text {
                    width: row.columns[0]
                    text: row.timeText
                    color: row.textColor
                    font.family: "monospace"
                }
                Text {
                    width: row.columns[1]
                    rightPadding: 6
                    text: row.type
                    elide: Text.ElideRight
                    color: row.current ? row.textColor : row.typeColor
                    font.bold: true
                }
                Text {
                    width: row.columns[2]
                    rightPadding: 6
                    text: row.model.id
                    elide: Text.ElideRight
                    color: row.textColor
                    font.family: "monospace"
                }
                Text {
                    width: row.columns[3]
                    rightPadding: 10
                    horizontalAlignment: Text.AlignRight
                    text: row.size
                    color: row.textColor
                    font.family: "monospace"
                }
                Text {
                    width: row.width - 6 - 328
                    text: row.preview
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    color: row.textColor
                    font.family: "monospace"
                }
            }
        }
    }

    // Follow the tail at most every 30 ms, however many batches arrive in between.
    Timer {
        id: scrollTimer
        interval: 30
        onTriggered: if (table.autoScroll) list.positionViewAtEnd()
    }
}
