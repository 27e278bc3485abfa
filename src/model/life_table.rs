//! The period life table the population must follow: probability of dying within the
//! year (qx) at single years of age 50-100, by sex.
//!
//! Source: US Social Security Administration period life table 2021, as published with the
//! 2024 Trustees Report (file PerLifeTables_M/F_Hist_TR2024; 2021 includes COVID-era deaths).
//! Below 50 and above 100 the force of mortality is extended log-linearly with the slope of
//! the nearest ten years of the table.

/// Ages 0..=MAX_AGE have a row in every table by age; older persons use the last.
pub const MAX_AGE: usize = 110;

/// First age of the table.
pub const FIRST_AGE: usize = 50;

/// qx of men, ages 50..=100.
pub const QX_MEN: [f64; 51] = [
    0.006671, 0.007167, 0.007736, 0.008351, 0.009035, 0.009770, 0.010567, 0.011398, 0.012291,
    0.013224, 0.014267, 0.015353, 0.016484, 0.017617, 0.018759, 0.019914, 0.021104, 0.022423,
    0.023847, 0.025357, 0.027050, 0.028970, 0.031188, 0.033754, 0.036747, 0.040563, 0.044308,
    0.048498, 0.053229, 0.058778, 0.064617, 0.070947, 0.077834, 0.085686, 0.094809, 0.105090,
    0.116592, 0.129306, 0.142732, 0.157638, 0.174458, 0.193027, 0.212930, 0.232657, 0.251826,
    0.270943, 0.289756, 0.307998, 0.325393, 0.341662, 0.358746,
];

/// qx of women, ages 50..=100.
pub const QX_WOMEN: [f64; 51] = [
    0.004011, 0.004306, 0.004634, 0.004981, 0.005370, 0.005831, 0.006326, 0.006837, 0.007399,
    0.008033, 0.008687, 0.009411, 0.010139, 0.010849, 0.011550, 0.012216, 0.012952, 0.013844,
    0.014863, 0.016028, 0.017329, 0.018859, 0.020609, 0.022620, 0.024958, 0.027906, 0.030925,
    0.034140, 0.037620, 0.041725, 0.046324, 0.051334, 0.056911, 0.063279, 0.070704, 0.079184,
    0.088697, 0.099240, 0.110480, 0.123078, 0.137152, 0.152605, 0.169494, 0.187623, 0.206647,
    0.225890, 0.245054, 0.263815, 0.281828, 0.298738, 0.316662,
];
