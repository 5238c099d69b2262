package io.lsh.report;

import io.lsh.report.StudyData.DecisionEvent;
import io.lsh.report.StudyData.Journal;
import io.lsh.report.StudyData.Run;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts as images: XChart for the spectra, scatter and bar charts, Java2D for the timeline. */
final class Charts {

    /** Size of every XChart image, in pixels. */
    static final int WIDTH = 900;
    static final int HEIGHT = 500;
    /** Width of the timeline; its height grows with the number of workers ({@link #timelineHeight}). */
    static final int TIMELINE_WIDTH = 1100;

    static final Color REFERENCE_COLOR = Color.BLACK;
    static final Color SELECTED_COLOR = new Color(214, 39, 40);
    private static final Color[] CANDIDATE_COLORS = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(148, 103, 189),
        new Color(140, 86, 75), new Color(227, 119, 194), new Color(23, 190, 207), new Color(188, 189, 34)};
    private static final Color STOPPED_COLOR = new Color(127, 127, 127);
    private static final Color FINALIST_COLOR = new Color(31, 119, 180);
    private static final Color SEARCH_COLOR = new Color(70, 130, 180);
    private static final Color FINAL_COLOR = new Color(60, 160, 90);
    private static final Color DENSE_COLOR = new Color(150, 150, 150);
    private static final Color PROMOTE_COLOR = new Color(30, 130, 50);
    private static final Color STOP_COLOR = new Color(200, 30, 30);
    private static final Color SELECT_COLOR = new Color(240, 180, 0);

    private Charts() {
    }

    /** A spectrum to draw: its legend label and exponents in QR order. */
    record Line(String label, double[] values, boolean reference, boolean selected) {
    }

    /** A point of a scatter chart. Kind: 0 stopped, 1 finalist, 2 selected. */
    record Point(int trial, double x, double y, int kind) {
    }

    /** The paper's Fig. 1A: exponent index on x, exponent value on y, the dense reference in black. */
    static BufferedImage spectra(String title, List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("exponent index i").yAxisTitle("Lyapunov exponent λ_i (log2 per step)").build();
        style(chart.getStyler());
        // spectra fall from left to right: the lower left corner is the emptiest
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        int color = 0;
        for (Line line : lines) {
            double[] x = new double[line.values().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            XYSeries s = chart.addSeries(line.label(), x, line.values());
            s.setMarker(x.length <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            Color c = line.reference() ? REFERENCE_COLOR : line.selected() ? SELECTED_COLOR
                    : CANDIDATE_COLORS[color++ % CANDIDATE_COLORS.length];
            s.setLineColor(c);
            s.setMarkerColor(c);
            s.setLineWidth(line.reference() ? 3.0f : line.selected() ? 2.2f : 1.4f);
        }
        chart.getStyler().setMarkerSize(4);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** A rank-correlation scatter: stopped trials, finalists and the selected model, each point labelled. */
    static BufferedImage scatter(String title, String xTitle, String yTitle, List<Point> points) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setMarkerSize(11);
        String[] names = {"stopped early (last ppl at the epoch it stopped)", "finalist", "selected"};
        Color[] colors = {STOPPED_COLOR, FINALIST_COLOR, SELECTED_COLOR};
        for (int kind = 0; kind < 3; kind++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Point p : points) {
                if (p.kind() == kind) {
                    xs.add(p.x());
                    ys.add(p.y());
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(names[kind], xs, ys);
            s.setMarker(kind == 0 ? SeriesMarkers.CIRCLE : kind == 1 ? SeriesMarkers.DIAMOND : SeriesMarkers.SQUARE);
            s.setMarkerColor(colors[kind]);
        }
        if (points.size() <= 60) {
            double minX = points.stream().mapToDouble(Point::x).min().orElse(0);
            double maxX = points.stream().mapToDouble(Point::x).max().orElse(1);
            double dx = (maxX - minX) == 0 ? 0.02 * Math.max(1e-9, Math.abs(maxX)) : 0.025 * (maxX - minX);
            for (Point p : points) {
                chart.addAnnotation(new AnnotationText("T" + p.trial(), p.x() + dx, p.y(), false));
            }
            chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Per-layer sparsity of one model as bars (fraction of zero weights per layer). */
    static BufferedImage layerSparsity(String title, Map<String, Double> layers) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("layer").yAxisTitle("sparsity (fraction of zero weights)").build();
        style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("0.000");
        chart.addSeries("sparsity", new ArrayList<>(layers.keySet()), new ArrayList<>(layers.values()))
                .setFillColor(FINALIST_COLOR);
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static void style(org.knowm.xchart.style.AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.DARK_GRAY);
        styler.setPlotGridLinesColor(new Color(225, 225, 225));
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setChartTitleBoxVisible(false);
        styler.setLocale(Locale.ROOT);
        styler.setAntiAlias(true);
    }

    // ---- timeline (Java2D: XChart has no Gantt chart)

    private static final int LEFT = 150;
    private static final int RIGHT = 30;
    private static final int TOP = 44;
    private static final int LANE = 52;
    private static final int BAR = 22;
    private static final int BOTTOM = 86;

    /** Height of the timeline image for {@code lanes} workers. */
    static int timelineHeight(int lanes) {
        return TOP + Math.max(1, lanes) * LANE + BOTTOM;
    }

    /**
     * Trials on workers over time: one lane per worker, one bar per run (assigned to completed), labelled
     * {@code T<trial> r<round>}; promotions, stops, finishes and the selection marked at the end of the
     * trial's run they follow.
     */
    static BufferedImage timeline(String title, Journal journal) {
        List<String> workers = new ArrayList<>(journal.workers());
        for (Run r : journal.runs()) {
            if (!workers.contains(r.worker())) {
                workers.add(r.worker());
            }
        }
        int height = timelineHeight(workers.size());
        BufferedImage image = new BufferedImage(TIMELINE_WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, TIMELINE_WIDTH, height);
            Instant start = journal.start();
            double total = Math.max(1e-3, seconds(start, journal.end()));
            for (DecisionEvent d : journal.decisions()) {
                total = Math.max(total, seconds(start, d.time()));
            }
            int plotWidth = TIMELINE_WIDTH - LEFT - RIGHT;
            double scale = plotWidth / total;
            int plotBottom = TOP + workers.size() * LANE;

            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            centered(g, title, TIMELINE_WIDTH / 2, 26);

            // lanes, grid and time axis
            double step = niceStep(total / 8);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (double t = 0; t <= total + 1e-9; t += step) {
                int x = LEFT + (int) Math.round(t * scale);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(x, TOP, x, plotBottom);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(x, plotBottom, x, plotBottom + 4);
                centered(g, formatTime(t, step), x, plotBottom + 17);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            centered(g, "time since the study started" + (step >= 60 ? " (h:mm:ss)" : " (s)"),
                    LEFT + plotWidth / 2, plotBottom + 36);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int w = 0; w < workers.size(); w++) {
                int laneTop = TOP + w * LANE;
                if (w % 2 == 1) {
                    g.setColor(new Color(248, 248, 252));
                    g.fillRect(LEFT, laneTop, plotWidth, LANE);
                }
                g.setColor(Color.BLACK);
                String name = fit(g, workers.get(w), LEFT - 12);
                g.drawString(name, LEFT - 8 - g.getFontMetrics().stringWidth(name), laneTop + LANE / 2 + 5);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawRect(LEFT, TOP, plotWidth, plotBottom - TOP);

            // run bars
            Font inside = new Font(Font.SANS_SERIF, Font.BOLD, 11);
            Font outside = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
            int[] labelEndAbove = new int[workers.size()];
            int[] labelEndBelow = new int[workers.size()];
            java.util.Arrays.fill(labelEndAbove, Integer.MIN_VALUE);
            java.util.Arrays.fill(labelEndBelow, Integer.MIN_VALUE);
            for (Run r : journal.runs()) {
                int lane = workers.indexOf(r.worker());
                int x0 = LEFT + (int) Math.round(seconds(start, r.start()) * scale);
                int x1 = Math.max(x0 + 2, LEFT + (int) Math.round(seconds(start, r.end()) * scale));
                int y = TOP + lane * LANE + (LANE - BAR) / 2;
                Color fill = switch (r.phase()) {
                    case "REFERENCE" -> DENSE_COLOR;
                    case "FINAL" -> FINAL_COLOR;
                    default -> SEARCH_COLOR;
                };
                boolean ok = r.outcome().equals("completed");
                g.setColor(ok ? fill : blend(fill, Color.WHITE));
                g.fillRect(x0, y, x1 - x0, BAR);
                g.setColor(ok ? fill.darker() : STOP_COLOR);
                g.setStroke(new BasicStroke(ok ? 1f : 2f));
                g.drawRect(x0, y, x1 - x0, BAR);
                g.setStroke(new BasicStroke(1f));
                String label = r.trial() == StudyData.REFERENCE ? "dense"
                        : "T" + r.trial() + (r.round() > 0 ? " r" + r.round() : "");
                if (!ok) {
                    label += " " + r.outcome();
                }
                g.setFont(inside);
                FontMetrics fm = g.getFontMetrics();
                if (fm.stringWidth(label) + 6 <= x1 - x0) {
                    g.setColor(Color.WHITE);
                    if (!ok) {
                        g.setColor(Color.BLACK);
                    }
                    centered(g, label, (x0 + x1) / 2, y + BAR / 2 + 4);
                } else {
                    g.setFont(outside);
                    fm = g.getFontMetrics();
                    int width = fm.stringWidth(label);
                    g.setColor(Color.BLACK);
                    if (labelEndAbove[lane] < x0) {
                        g.drawString(label, x0, y - 3);
                        labelEndAbove[lane] = x0 + width + 3;
                    } else if (labelEndBelow[lane] < x0) {
                        g.drawString(label, x0, y + BAR + fm.getAscent() + 1);
                        labelEndBelow[lane] = x0 + width + 3;
                    } else {
                        // both label rows are taken here: the label goes above, overlapping rather than lost
                        g.drawString(label, x0, y - 3);
                        labelEndAbove[lane] = x0 + width + 3;
                    }
                }
            }

            // decisions at the end of the run they follow
            for (DecisionEvent d : journal.decisions()) {
                Run run = runBefore(journal.runs(), d);
                if (run == null) {
                    continue;
                }
                int lane = workers.indexOf(run.worker());
                int x = Math.max(LEFT + (int) Math.round(seconds(start, run.start()) * scale) + 2,
                        LEFT + (int) Math.round(seconds(start, run.end()) * scale));
                int cy = TOP + lane * LANE + LANE / 2;
                switch (d.decision()) {
                    case "promote" -> triangle(g, x, cy - BAR / 2 - 1, PROMOTE_COLOR);
                    case "stop" -> cross(g, x, cy, STOP_COLOR);
                    case "finish" -> circle(g, x, cy, FINAL_COLOR.darker());
                    case "select" -> star(g, x, cy - BAR / 2 - 2, SELECT_COLOR);
                    default -> {
                    }
                }
            }

            // legend
            int ly = plotBottom + 60;
            int lx = LEFT;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            lx = swatch(g, lx, ly, DENSE_COLOR, "dense reference");
            lx = swatch(g, lx, ly, SEARCH_COLOR, "search round (T<trial> r<round>)");
            lx = swatch(g, lx, ly, FINAL_COLOR, "final training");
            triangle(g, lx + 6, ly - 4, PROMOTE_COLOR);
            lx = legendText(g, lx + 16, ly, "promoted");
            cross(g, lx + 6, ly - 4, STOP_COLOR);
            lx = legendText(g, lx + 16, ly, "stopped");
            circle(g, lx + 6, ly - 4, FINAL_COLOR.darker());
            lx = legendText(g, lx + 16, ly, "finished");
            star(g, lx + 6, ly - 4, SELECT_COLOR);
            lx = legendText(g, lx + 16, ly, "selected");
            g.setColor(STOP_COLOR);
            g.setStroke(new BasicStroke(2f));
            g.drawRect(lx, ly - 10, 14, 12);
            g.setStroke(new BasicStroke(1f));
            legendText(g, lx + 18, ly, "failed / lost");
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The trial's latest run that ended at or before the decision (else its latest run). */
    private static Run runBefore(List<Run> runs, DecisionEvent d) {
        Run best = null;
        Run latest = null;
        for (Run r : runs) {
            if (r.trial() != d.trial()) {
                continue;
            }
            if (latest == null || r.end().isAfter(latest.end())) {
                latest = r;
            }
            if (!r.end().isAfter(d.time()) && (best == null || r.end().isAfter(best.end()))) {
                best = r;
            }
        }
        return best != null ? best : latest;
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double[] steps = raw >= 30 ? new double[] {30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800}
                : new double[] {magnitude, 2 * magnitude, 5 * magnitude, 10 * magnitude};
        for (double s : steps) {
            if (s >= raw) {
                return s;
            }
        }
        return steps[steps.length - 1] * Math.ceil(raw / steps[steps.length - 1]);
    }

    private static String formatTime(double t, double step) {
        if (step >= 60) {
            long s = Math.round(t);
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return step >= 1 ? String.format(Locale.ROOT, "%.0f", t) : String.format(Locale.ROOT, "%.1f", t);
    }

    private static String fit(Graphics2D g, String s, int width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && fm.stringWidth("…" + t) > width) {
            t = t.substring(1);
        }
        return "…" + t;
    }

    private static void centered(Graphics2D g, String s, int x, int baseline) {
        g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    private static Color blend(Color a, Color b) {
        return new Color((a.getRed() + b.getRed()) / 2, (a.getGreen() + b.getGreen()) / 2,
                (a.getBlue() + b.getBlue()) / 2);
    }

    private static int swatch(Graphics2D g, int x, int y, Color c, String text) {
        g.setColor(c);
        g.fillRect(x, y - 10, 14, 12);
        return legendText(g, x + 18, y, text);
    }

    private static int legendText(Graphics2D g, int x, int y, String text) {
        g.setColor(Color.BLACK);
        g.drawString(text, x, y);
        return x + g.getFontMetrics().stringWidth(text) + 18;
    }

    private static void triangle(Graphics2D g, int x, int y, Color c) {
        g.setColor(c);
        g.fillPolygon(new Polygon(new int[] {x - 6, x + 6, x}, new int[] {y + 3, y + 3, y - 7}, 3));
    }

    private static void cross(Graphics2D g, int x, int y, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke(3f));
        g.drawLine(x - 6, y - 6, x + 6, y + 6);
        g.drawLine(x - 6, y + 6, x + 6, y - 6);
        g.setStroke(new BasicStroke(1f));
    }

    private static void circle(Graphics2D g, int x, int y, Color c) {
        g.setColor(c);
        g.fillOval(x - 5, y - 5, 10, 10);
        g.setColor(Color.WHITE);
        g.drawOval(x - 5, y - 5, 10, 10);
    }

    private static void star(Graphics2D g, int x, int y, Color c) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < 10; i++) {
            double r = i % 2 == 0 ? 9 : 4;
            double a = -Math.PI / 2 + i * Math.PI / 5;
            double px = x + r * Math.cos(a);
            double py = y + r * Math.sin(a);
            if (i == 0) {
                p.moveTo(px, py);
            } else {
                p.lineTo(px, py);
            }
        }
        p.closePath();
        g.setColor(c);
        g.fill(p);
        g.setColor(c.darker());
        g.draw(p);
    }
}
