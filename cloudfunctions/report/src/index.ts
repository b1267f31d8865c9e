import { cloudFunction } from '../../../backend/cloud';
import { excelSpreadsheets } from '../../../backend/spreadsheets';
import { reportHandlers } from '../../../core/usecases/report';
import { reportTimer } from '../../../core/usecases/report/cleanup';

export const main = cloudFunction('report', reportHandlers, { timer: reportTimer, spreadsheets: excelSpreadsheets });
