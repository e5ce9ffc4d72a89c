package org.crld4j.experiments.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/**
 * The charts of the report pages, drawn by JFreeChart and embedded as PNG data URIs: line charts
 * over epochs (several runs on the same axes, a colour per run) and grouped or stacked bar charts.
 * White plots with grey grid lines, so that pages print well.
 */
public final class Charts {
    static { System.setProperty("java.awt.headless", "true"); } // before AWT starts: a server or CI has no display

    private Charts() {}

    /** A colour per run, in the order the runs are given (Tableau's ten, whose neighbours stay apart in print). */
    public static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22), new Color(0x7f7f7f));

    public static Color runColor(int run) { return PALETTE.get(run % PALETTE.size()); }

    /** Solid for a chart's first key, then dashed and dotted: the second axis of a chart with a colour per run. */
    private static final float[][] DASHES = {null, {8f, 5f}, {2f, 4f}, {12f, 4f, 2f, 4f}};

    /** One line: its legend label, colour, dash pattern (0 solid), points (NaN y: a gap). */
    public record Line(String label, Color color, int dash, double[] x, double[] y) {}

    /** Epochs on x, {@code lines} overlaid; shapes mark the points of short runs, where a line may have one point. */
    public static JFreeChart lines(String title, String subtitle, String yLabel, List<Line> lines) {
        XYSeriesCollection data = new XYSeriesCollection();
        int most = 0;
        for (Line l : lines) {
            XYSeries s = new XYSeries(l.label(), false, true);
            for (int i = 0; i < l.x().length; i++) if (!Double.isNaN(l.y()[i])) s.add(l.x()[i], l.y()[i]);
            data.addSeries(s);
            most = Math.max(most, s.getItemCount());
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, most <= 40);
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            float[] dash = DASHES[l.dash() % DASHES.length];
            r.setSeriesPaint(i, l.color());
            r.setSeriesStroke(i, dash == null ? new BasicStroke(2.5f)
                    : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
        }
        plot.setRenderer(r);
        plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(false);
        double top = 0;
        for (Line l : lines) for (double v : l.y()) if (!Double.isNaN(v)) top = Math.max(top, Math.abs(v));
        y.setAutoRangeMinimumSize(top > 0 ? top * 0.2 : 1); // a flat line (a constant learning rate) gets a readable axis, not 5E-2 ten times
        style(chart, subtitle);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        return chart;
    }

    /** Bars per category, one per series (grouped, or stacked); {@code colors} per series. */
    public static JFreeChart bars(String title, String subtitle, String xLabel, String yLabel, List<String> categories, List<String> series,
                                  double[][] values, List<? extends Paint> colors, boolean stacked) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int s = 0; s < series.size(); s++)
            for (int c = 0; c < categories.size(); c++) data.addValue(values[s][c], series.get(s), categories.get(c));
        JFreeChart chart = stacked
                ? ChartFactory.createStackedBarChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false)
                : ChartFactory.createBarChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter()); // flat fills, no gradient or shadow
        r.setShadowVisible(false);
        r.setItemMargin(0.05);
        for (int s = 0; s < series.size(); s++) r.setSeriesPaint(s, colors.get(s));
        style(chart, subtitle);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        return chart;
    }

    private static final Color GRID = new Color(0xd0d0d0);

    private static void style(JFreeChart chart, String subtitle) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        if (subtitle != null && !subtitle.isEmpty()) {
            TextTitle t = new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            t.setPaint(Color.DARK_GRAY);
            chart.addSubtitle(t);
        }
        if (chart.getLegend() != null) chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }

    /** The chart as a PNG data URI, {@code width} x {@code height} pixels. */
    public static String png(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(b, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: cannot happen
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(b.toByteArray());
    }
}
