using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Devices.Cpu;

/// <summary>How the CPU backend computes Conv2D layers.</summary>
public enum ConvolutionAlgorithm
{
    /// <summary>
    /// Winograd F(2x2, 3x3) (Lavin and Gray, CVPR 2016; 2.25x fewer multiply-adds) for 3x3 stride-1 layers with at
    /// least 16 channels on each side and outputs of at least 6x6 that 2x2 tiles cover without much waste (not 5x5 or
    /// 7x7): their forward pass, data gradient and kernel gradient. im2col + GEMM for everything else.
    /// </summary>
    Auto,

    /// <summary>im2col + GEMM for every layer (Chellapilla et al. 2006): the baseline that benchmarks compare against.</summary>
    Im2Col,
}
