/**
 * A transposed 2-D convolution with PyTorch's arithmetic (integer `padding` and
 * `outputPadding`), channels-last. tfjs's own `conv2dTranspose` layer knows only 'valid' and
 * 'same' and has no output padding, which the assignment's decoder needs.
 *
 * PyTorch's ConvTranspose2d(stride s, padding p, output_padding op) is the gradient of a
 * convolution whose input is H_out = (H - 1) s - 2p + k + op rows high. We compute the
 * gradient of a 'valid' convolution over H_out + 2p rows, which tfjs does exactly when it
 * is given that output shape: the op extra rows at the bottom (and columns at the right)
 * receive no contribution, as in PyTorch, and the bias is added to them too. Then we crop p
 * rows and columns from each side.
 */
import * as tf from '@tensorflow/tfjs';

/** Settings of a `ConvTranspose2d` layer. */
export interface ConvTranspose2dArgs {
  /** Output channels. */
  filters: number;
  /** Square kernel side; default 3. */
  kernelSize?: number;
  /** Stride in both directions; default 1. */
  strides?: number;
  /** Rows and columns cropped from each side, as PyTorch's `padding`; default 0. */
  padding?: number;
  /** Extra rows at the bottom and columns at the right, below `strides`; default 0. */
  outputPadding?: number;
  /** Seed of the initial weights; default random. */
  seed?: number;
  inputShape?: number[];
  name?: string;
}

/** The transposed convolution; build it with `convTranspose2d(args)`. */
export class ConvTranspose2d extends tf.layers.Layer {
  static className = 'LatentlabConvTranspose2d';
  private readonly filters: number;
  private readonly kernelSize: number;
  private readonly strides: number;
  private readonly padding: number;
  private readonly outputPadding: number;
  private readonly seed?: number;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: ConvTranspose2dArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize ?? 3;
    this.strides = args.strides ?? 1;
    this.padding = args.padding ?? 0;
    this.outputPadding = args.outputPadding ?? 0;
    this.seed = args.seed;
    if (!(this.outputPadding >= 0 && this.outputPadding < this.strides)) {
      throw new RangeError(
        `outputPadding ${this.outputPadding} must be at least 0 and below strides ${this.strides}`,
      );
    }
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1] as number;
    const k = this.kernelSize;
    // PyTorch's default initialisation: uniform in +-1/sqrt(fan_in), where fan_in of a
    // transposed convolution is counted over its output channels (k * k * filters).
    const bound = 1 / Math.sqrt(k * k * this.filters);
    this.kernel = this.addWeight(
      'kernel',
      [k, k, this.filters, channels],
      'float32',
      tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: this.seed }),
    );
    this.bias = this.addWeight(
      'bias',
      [this.filters],
      'float32',
      tf.initializers.randomUniform({
        minval: -bound,
        maxval: bound,
        seed: this.seed === undefined ? undefined : this.seed + 1,
      }),
    );
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, h, w] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [batch, this.outputSize(h as number), this.outputSize(w as number), this.filters];
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [batch, h, w] = x.shape;
      const p = this.padding;
      const outH = this.outputSize(h);
      const outW = this.outputSize(w);
      const kernel = this.kernel!.read() as tf.Tensor4D;
      let y: tf.Tensor4D;
      if (this.strides === 1 && this.outputPadding === 0 && 2 * p === this.kernelSize - 1) {
        // "Same" size: tfjs pads (k - 1) / 2 on each side, exactly PyTorch's padding p.
        y = tf.conv2dTranspose(x, kernel, [batch, outH, outW, this.filters], 1, 'same');
      } else {
        const full = [batch, outH + 2 * p, outW + 2 * p, this.filters] as const;
        y = tf.conv2dTranspose(x, kernel, [...full], this.strides, 'valid');
        if (p > 0) y = tf.slice(y, [0, p, p, 0], [batch, outH, outW, this.filters]);
      }
      return tf.add(y, this.bias!.read());
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      outputPadding: this.outputPadding,
    };
  }

  private outputSize(input: number): number {
    const { strides: s, padding: p, kernelSize: k, outputPadding: op } = this;
    return (input - 1) * s - 2 * p + k + op;
  }
}
tf.serialization.registerClass(ConvTranspose2d);

/** A transposed convolution with PyTorch's `padding` and `outputPadding`. */
export function convTranspose2d(args: ConvTranspose2dArgs): ConvTranspose2d {
  return new ConvTranspose2d(args);
}
