/**
 * The events of the @vant/weapp components the pages bind, with the detail each one emits (read
 * from vant 1.11.7's lib/<component>/index.js: `this.$emit(name, detail)`). A handler names the
 * event it takes, e.g. `onName(event: Vant.FieldChange)`, and reads `event.detail` typed;
 * `event.currentTarget.dataset` is the element's data-* attributes, as on any event.
 */
declare namespace Vant {
  /** van-field bind:change (every keystroke) and bind:confirm: the text. */
  type FieldChange = WechatMiniprogram.CustomEvent<string>;
  /** van-switch bind:change: the new value (active-value / inactive-value, true / false unless set). */
  type SwitchChange = WechatMiniprogram.CustomEvent<boolean>;
  /** van-checkbox bind:change: checked or not. */
  type CheckboxChange = WechatMiniprogram.CustomEvent<boolean>;
  /** van-checkbox-group bind:change: the names of the checked boxes. */
  type CheckboxGroupChange<Name extends string = string> = WechatMiniprogram.CustomEvent<Name[]>;
  /** van-radio-group bind:change: the name of the chosen radio. */
  type RadioGroupChange<Name extends string = string> = WechatMiniprogram.CustomEvent<Name>;
  /** van-rate bind:change: the stars chosen, from 1. */
  type RateChange = WechatMiniprogram.CustomEvent<number>;
  /** van-stepper bind:change: the value, as a number (`+newValue`). */
  type StepperChange = WechatMiniprogram.CustomEvent<number>;
  /** van-tabs bind:change / bind:click: the tab now active. */
  type TabsChange<Name extends string | number = string> = WechatMiniprogram.CustomEvent<{ name: Name; title: string; index: number }>;

  /** A file van-uploader read (lib/uploader/utils.js): `url` is the local path; images also keep tempFilePath. */
  interface UploaderFile {
    url: string;
    type: string;
    thumb?: string;
    tempFilePath?: string;
    size?: number;
    name?: string;
    isImage?: boolean;
    isVideo?: boolean;
  }
  /** van-uploader bind:after-read: one file, or an array when `multiple`; `name` is the uploader's name prop. */
  type UploaderAfterRead = WechatMiniprogram.CustomEvent<{ file: UploaderFile | UploaderFile[]; name: string; index: number }>;
  /** van-uploader bind:delete: the file at `index` of file-list. */
  type UploaderDelete = WechatMiniprogram.CustomEvent<{ file: UploaderFile; name: string; index: number }>;
}
