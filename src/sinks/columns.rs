//! Column buffers of the per-person tables, built directly as vectors that become Arrow
//! arrays without a row-by-row detour.

use polars::prelude::*;

/// A set of equally long column vectors that becomes one DataFrame.
pub trait ColumnTable: Default + Send {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn append(&mut self, other: &mut Self);
    /// Room for `n` more rows in every column.
    fn reserve(&mut self, n: usize);
    fn into_frame(self) -> PolarsResult<DataFrame>;
    /// An empty table with the same columns (dynamic columns included).
    fn empty_like(&self) -> Self;
    /// The schema of tables like this one.
    fn schema_like(&self) -> PolarsResult<Schema> {
        Ok(self.empty_like().into_frame()?.schema().as_ref().clone())
    }
}

macro_rules! column_table {
    ($(#[$doc:meta])* $name:ident { $( $field:ident : $ty:ty ),* $(,)? } $( extra $extra:ident : $ety:ty )?) => {
        $(#[$doc])*
        #[derive(Default, Debug, Clone, PartialEq)]
        pub struct $name { $( pub $field: Vec<$ty>, )* $( pub $extra: $ety, )? }

        impl ColumnTable for $name {
            fn len(&self) -> usize { self.person_id.len() }
            fn append(&mut self, other: &mut Self) {
                $( self.$field.append(&mut other.$field); )*
                $( self.$extra.append(&mut other.$extra); )?
            }
            fn reserve(&mut self, n: usize) { $( self.$field.reserve(n); )* }
            fn into_frame(self) -> PolarsResult<DataFrame> {
                let height = self.len();
                #[allow(unused_mut)]
                let mut columns = vec![ $( Column::new(stringify!($field).into(), self.$field), )* ];
                $( columns.extend(self.$extra.columns()); )?
                DataFrame::new(height, columns)
            }
            fn empty_like(&self) -> Self {
                Self { $( $field: Vec::new(), )* $( $extra: self.$extra.empty_like(), )? }
            }
        }
    };
}

column_table! {
    /// `outcomes/`: one row per person per arm and draw.
    OutcomeColumns {
        person_id: u64,
        cohort: i32,
        female: bool,
        start_age: f64,
        years_lived: f64,
        died: bool,
        age_at_death: Option<f64>,
        years_ewgsop2: f64,
        years_ewgsop2_probable: f64,
        years_fnih: f64,
        years_awgs: f64,
        onset_age_ewgsop2: Option<f64>,
        onset_age_fnih: Option<f64>,
        onset_age_awgs: Option<f64>,
        admissions: i32,
        bed_days: i32,
        conditions_start: i32,
        conditions_end: i32,
        alm_start: f64,
        alm_end: f64,
        grip_start: f64,
        grip_end: f64,
        ewgsop2_end: bool,
        fnih_end: bool,
        awgs_end: bool,
        cost: f64,
        qalys: f64,
        intervention_cost: f64,
        intervention_years: f64,
    }
    extra checkpoints: crate::checkpoints::CheckpointColumns
}

impl OutcomeColumns {
    /// An empty outcomes table with the columns of these checkpoints.
    pub fn with_checkpoints(checkpoints: &[crate::checkpoints::Checkpoint]) -> Self {
        Self {
            checkpoints: crate::checkpoints::CheckpointColumns::new(checkpoints),
            ..Self::default()
        }
    }
}

column_table! {
    /// `trajectories/`: one row per person per record while alive.
    TrajectoryColumns {
        person_id: u64,
        record: i32,
        time_years: f32,
        age: f32,
        female: bool,
        height: f32,
        weight: f32,
        bmi: f32,
        alm: f32,
        alm_index: f32,
        quality: f32,
        grip: f32,
        gait: f32,
        protein: f32,
        training_sessions: f32,
        testosterone: Option<f32>,
        menopausal: bool,
        conditions: i32,
        in_hospital: bool,
        admissions: i32,
        ewgsop2: i32,
        fnih: bool,
        awgs: i32,
    }
}
