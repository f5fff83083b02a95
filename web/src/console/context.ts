import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Api } from "./api";

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside <ApiContext.Provider>");
  return api;
}

export type NoticeKind = "info" | "success" | "error";
export type Notify = (text: string, kind?: NoticeKind) => void;

export const NoticeContext = createContext<Notify>(() => {});

export function useNotify(): Notify {
  return useContext(NoticeContext);
}
