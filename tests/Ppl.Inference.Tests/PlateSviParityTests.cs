using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>Plates under SVI as in Pyro: params cut to the subsample train only those rows; plates without a size work with autoguides.</summary>
[Collection("Sequential")]
public sealed class PlateSviParityTests
{
    // ports pyro tests/infer/test_valid_models.py::test_plate_subsample_param_ok (subsample case), checked through one SVI step
    [Fact]
    public void SviStepUpdatesOnlyTheSubsampledRowsOfAParamWithAnEventDim()
    {
        long[] rows = [];
        void Model(int _)
        {
            using var data = Plate("data", 10, 3);
            Sample("z", new Normal(tensor(0.0), tensor(1.0)));
        }

        void Guide(int _)
        {
            using var data = Plate("data", 10, 3);
            rows = data.Indices.data<long>().ToArray();
            var loc = Param("loc", () => zeros(10, dtype: ScalarType.Float64), eventDim: 0);
            Assert.Equal(new long[] { 3 }, loc.shape);
            Sample("z", new Normal(loc, tensor(1.0, dtype: ScalarType.Float64)));
        }

        using var optimizer = new Sgd(0.1);
        var svi = new Svi<int>(Model, Guide, optimizer, new TraceElbo(), seed: 3);
        svi.Step(0);

        var loc = svi.ParamStore["loc"].data<double>().ToArray();
        var moved = Enumerable.Range(0, 10).Where(i => loc[i] != 0.0).Select(i => (long)i).ToArray();
        Assert.Equal(rows.Order(), moved);
    }

    // ports pyro tests/infer/test_valid_models.py::test_plate_no_size_ok with an autoguide
    [Fact]
    public void PlateWithoutASizeTrainsWithAnAutoNormal()
    {
        static void Model(int _)
        {
            using var plate = UnsizedPlate("plate");
            Sample("x", new Normal(tensor(0.0), tensor(1.0)).Expand(10));
        }

        using var guide = new AutoNormal<int>(m => { Model(m); return null; });
        using var optimizer = new Adam(0.01);
        var svi = new Svi<int>(m => { Model(m); return null; }, guide.Guide, optimizer, new TraceElbo(), seed: 4);
        double loss = svi.Step(0);

        Assert.True(double.IsFinite(loss));
        Assert.Equal(new long[] { 10 }, svi.ParamStore["AutoNormal.locs.x"].shape);
    }
}
