package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LagChartTest {
  @TempDir
  Path dir;

  @Test
  void shouldMapTheSoakOntoThePlotFromLeftToRight() {
    LagChart chart = new LagChart(1_000_000, 1_600_000, 10);

    assertThat(chart.x(1_000_000)).isEqualTo(LagChart.LEFT);
    assertThat(chart.x(1_600_000)).isEqualTo(LagChart.WIDTH - LagChart.RIGHT);
    assertThat(chart.x(1_300_000)).isEqualTo((LagChart.LEFT + LagChart.WIDTH - LagChart.RIGHT) / 2);
    assertThat(chart.x(0)).isEqualTo(LagChart.LEFT);
    assertThat(chart.y(0)).isEqualTo(LagChart.HEIGHT - LagChart.BOTTOM);
    assertThat(chart.y(10)).isEqualTo(LagChart.TOP);
    assertThat(chart.y(99)).isEqualTo(LagChart.TOP);
  }

  @Test
  void shouldWriteAPngOfTheChartsSizeWithEachFaultWindowShaded() throws Exception {
    LagChart chart = new LagChart(0, 600_000, 10);
    SoakFigures.Fault survived = new SoakFigures.Fault(SoakSchedule.Kind.BROKER_KILL, 60_000, 66_000, false, true, "",
        70_000, 75_000);
    SoakFigures.Fault lost = new SoakFigures.Fault(SoakSchedule.Kind.CUTOVER, 300_000, 301_000, true, false, "", -1,
        360_000);
    List<LagProbe.Sample> samples = List.of(new LagProbe.Sample(0, false, 0.1, 0),
        new LagProbe.Sample(1_000, false, 0.2, 0), new LagProbe.Sample(2_000, false, Double.NaN, -1));
    Path png = dir.resolve("lag.png");

    chart.write(png, "test", samples, List.of(survived, lost));

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(LagChart.WIDTH);
    assertThat(image.getHeight()).isEqualTo(LagChart.HEIGHT);
    int mid = LagChart.HEIGHT / 2;
    int inSurvived = (chart.x(60_000) + chart.x(75_000)) / 2;
    int inLost = (chart.x(300_000) + chart.x(360_000)) / 2;
    int outside = (chart.x(120_000) + chart.x(200_000)) / 2;
    assertThat(image.getRGB(inSurvived, mid) & 0xffffff).isEqualTo(0xffdcaa);
    assertThat(image.getRGB(inLost, mid) & 0xffffff).isEqualTo(0xff9696);
    assertThat(image.getRGB(outside, mid) & 0xffffff).isEqualTo(0xffffff);
    assertThat(image.getRGB(chart.x(59_000), mid) & 0xffffff).isEqualTo(0xffffff);
  }
}
