/** A number as the kernel's traces and the model's captions write it: 0x-prefixed hex. */
export const hex = (n: number): string => '0x' + n.toString(16);
