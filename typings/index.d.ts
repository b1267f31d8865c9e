/**
 * The mini-program's own ambient types (the layout DevTools' TypeScript template uses): visible to
 * every file of miniprogram/ through its tsconfig, without imports. Erased at compile time, so
 * nothing here reaches the phone.
 */

/**
 * The custom members of the App() object (getApp<IAppOption>()). linli keeps none: what a page
 * needs comes from the cloud or from the modules of miniprogram/api/, so the App holds only its
 * lifecycle (app.ts). A member added to App() is declared here.
 */
interface IAppOption {}

/** The native <picker mode="date"> or mode="time" change: the value is "2025-12-01" or "09:30". */
type DateTimePickerChange = WechatMiniprogram.CustomEvent<{ value: string }>;
