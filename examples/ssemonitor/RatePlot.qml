// SPDX-License-Identifier: BSD-3-Clause
// Events/s and bytes/s over the last minute (one sample of the source's counters a second),
// the average event size and when the stream opened. Each line has its own scale; the labels
// give the latest values and the peaks. (The event count is the status line's, once.)
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtSse
import SseMonitor

ColumnLayout {
    id: plot

    required property SseSource source
    required property MonitorBackend backend
    // A recording shown offline: its rates (RecordingModel) instead of the live samples.
    property bool offline: false
    property RecordingModel recording: null
    readonly property int samples: 60
    property var eventRates: []
    readonly property int sampleCount: plot.eventRates.length
    property var byteRates: []
    property double lastEvents: 0
    property double lastBytes: 0
    readonly property color eventColor: "#1f77b4"
    readonly property color byteColor: "#e07020"

    function showRecording() {
        if (plot.offline && plot.recording) {
            plot.eventRates = plot.recording.eventRates // at most 60 (RecordingModel.MaxBins)
            plot.byteRates = plot.recording.byteRates
            plot.lastEvents = plot.recording.count
            plot.lastBytes = plot.recording.byteCount
        } else {
            plot.eventRates = []
            plot.byteRates = []
            plot.lastEvents = plot.source.eventCount
            plot.lastBytes = plot.source.byteCount
        }
        canvas.requestPaint()
    }
    onOfflineChanged: showRecording()
    Connections {
        target: plot.recording
        function onLoadedChanged() { plot.showRecording() }
    }
    function sample() {
        if (plot.offline)
            return
        const events = plot.source.eventCount
        const bytes = plot.source.byteCount
        // The counters restart with each new connection.
        const de = events >= plot.lastEvents ? events - plot.lastEvents : events
        const db = bytes >= plot.lastBytes ? bytes - plot.lastBytes : bytes
        plot.lastEvents = events
        plot.lastBytes = bytes
        plot.eventRates = plot.eventRates.concat([de]).slice(-plot.samples)
        plot.byteRates = plot.byteRates.concat([db]).slice(-plot.samples)
        canvas.requestPaint()
    }
    function latest(list) { return list.length > 0 ? list[list.length - 1] : 0 }
    function peak(list) { return list.reduce((a, b) => Math.max(a, b), 0) }

    spacing: 4

    Timer {
        interval: 1000
        running: true
        repeat: true
        onTriggered: plot.sample()
    }

    Label {
        objectName: "plotTitle"
        text: plot.offline ? qsTr("Recording, %1 s per sample").arg(plot.recording.binSeconds)
                           : qsTr("Last minute")
        font.bold: true
    }
    RowLayout {
        spacing: 14
        Label {
            objectName: "eventRateLabel"
            text: qsTr("● %1 events/s (peak %2)").arg(plot.latest(plot.eventRates))
                                                 .arg(plot.peak(plot.eventRates))
            color: plot.eventColor
        }
        Label {
            text: qsTr("● %1/s (peak %2/s)").arg(plot.backend.formatBytes(plot.latest(plot.byteRates)))
                                            .arg(plot.backend.formatBytes(plot.peak(plot.byteRates)))
            color: plot.byteColor
        }
    }
    Canvas {
        id: canvas
        objectName: "ratePlot"
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.minimumHeight: 80
        onWidthChanged: requestPaint()
        onHeightChanged: requestPaint()
        onPaint: {
            const ctx = getContext("2d")
            ctx.reset()
            ctx.fillStyle = "#fbfbfb"
            ctx.fillRect(0, 0, width, height)
            ctx.strokeStyle = "#dddddd"
            ctx.lineWidth = 1
            for (let i = 1; i < 4; ++i) { // quarter lines
                const y = Math.round(height * i / 4) + 0.5
                ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(width, y); ctx.stroke()
            }
            for (let s = 0; s <= 60; s += 15) { // 15-second lines
                const x = Math.round((width - 1) * s / 60) + 0.5
                ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, height); ctx.stroke()
            }
            drawLine(ctx, plot.byteRates, plot.byteColor)
            drawLine(ctx, plot.eventRates, plot.eventColor)
            ctx.strokeStyle = "#aaaaaa"
            ctx.strokeRect(0.5, 0.5, width - 1, height - 1)
        }
        function drawLine(ctx, values, colour) {
            if (values.length < 2)
                return
            const top = Math.max(1, plot.peak(values)) * 1.1
            // Live: the last minute, newest at the right; a recording: start to end.
            const slots = plot.offline ? values.length : plot.samples
            const step = (width - 1) / (slots - 1)
            const x0 = (slots - values.length) * step
            ctx.strokeStyle = colour
            ctx.lineWidth = 2
            ctx.beginPath()
            for (let i = 0; i < values.length; ++i) {
                const x = x0 + i * step
                const y = height - 2 - (height - 4) * values[i] / top
                if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y)
            }
            ctx.stroke()
        }
    }
    RowLayout {
        Label {
            text: plot.offline ? qsTr("start") : qsTr("−60 s")
            color: "gray"
            font.pixelSize: 10
        }
        Item { Layout.fillWidth: true }
        Label { text: plot.offline ? qsTr("end") : qsTr("now"); color: "gray"; font.pixelSize: 10 }
    }
    GridLayout {
        columns: 4
        columnSpacing: 10
        Label { text: qsTr("Average size"); color: "gray" }
        Label {
            text: plot.lastEvents > 0 ? qsTr("%1 B").arg(Math.round(plot.lastBytes / plot.lastEvents))
                                      : "–"
        }
        Label { text: qsTr("Open since"); color: "gray" }
        Label {
            text: plot.offline ? Qt.formatTime(plot.recording.recorded, "hh:mm:ss")
                  : plot.source.state === SseSource.Open
                  ? Qt.formatTime(plot.source.openedTime, "hh:mm:ss") : "–"
        }
    }
}
