"""Pure domain maths, below everything that uses it: imports run one way, into here.

  aqi          HJ 633-2012 IAQI/AQI and the HJ 663-2013 annual assessment
  gb3838       GB 3838-2002 Table 1 limits and the classes of surface water
  ranking      competition ranking ("1, 2, 2, 4"), as a province ranks its cities
  creditcode   the GB 32100-2015 check digit of 统一社会信用代码

Half-up rounding and exact money live in `lawreport_cli.numbers`, which imports
nothing either. Nothing here imports the reader, the checks, the metrics, the
model or the renderers.
"""
